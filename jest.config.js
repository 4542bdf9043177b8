// Two projects: `unit` is the pure core (fast, no I/O beyond temp files),
// `e2e` needs the sandbox Asterisk (`npm run asterisk:up`) and SIPp, `images`
// the built images (`scripts/images.sh test`).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    },
    {
      // The built images run from their filesystems: scripts/images.sh test only.
      displayName: 'images',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/images'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    },
  ],
};
