#!/usr/bin/env bash
# Generates the plan's sounds (sounds/*.wav, 8 kHz mono 16-bit: what Asterisk plays
# without transcoding to G.711) with espeak-ng in French. Placeholders until real
# recordings replace them: keep the same names.
#   apt-get install -y espeak-ng sox
#   bash scripts/make-sounds.sh [OUT_DIR]
set -euo pipefail
out="${1:-$(dirname "$0")/../sounds}"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# name|text — the only place to edit the wording.
sounds=(
  "bienvenue-dr-martin|Bienvenue au cabinet du docteur Martin."
  "bienvenue-dr-durand|Bienvenue au cabinet du docteur Durand."
  "bienvenue-dr-petit|Bienvenue au cabinet du docteur Petit."
  "ferme-dr-martin|Le cabinet du docteur Martin est fermé. Nous sommes ouverts du lundi au vendredi, de 8 heures 30 à 12 heures 30 et de 14 heures à 19 heures, et le samedi matin."
  "ferme-dr-durand|Le cabinet du docteur Durand est fermé. Nous sommes ouverts du lundi au vendredi, de 9 heures à 12 heures et de 14 heures à 18 heures."
  "ferme-dr-petit|Le cabinet du docteur Petit est fermé. Nous sommes ouverts les lundi, mardi, jeudi et vendredi, de 8 heures à 13 heures et de 15 heures à 19 heures."
  "attente|Toutes nos lignes sont occupées. Merci de patienter, nous allons prendre votre appel."
  "messagerie-dr-martin|Vous êtes sur la messagerie du docteur Martin. Laissez votre message après le bip."
  "messagerie-dr-durand|Vous êtes sur la messagerie du docteur Durand. Laissez votre message après le bip."
  "messagerie-dr-petit|Vous êtes sur la messagerie du docteur Petit. Laissez votre message après le bip."
  "numero-inconnu|Le numéro que vous avez appelé n'est pas attribué. Merci de votre appel, au revoir."
  "urgences|En cas d'urgence, composez le 15."
  "fermeture-exceptionnelle|Le cabinet est exceptionnellement fermé aujourd'hui."
  "bienvenue-societe|Bienvenue chez Dupont et fils."
  "menu-accueil|Pour le service commercial, tapez 1. Pour le support technique, tapez 2. Pour la comptabilité, tapez 3. Pour réécouter ce message, tapez étoile."
  "choix-invalide|Ce choix n'est pas valide."
  "pas-de-choix|Nous n'avons pas reçu votre choix."
  "ferme-societe|Nos bureaux sont fermés. Nous sommes ouverts du lundi au vendredi, de 9 heures à 18 heures."
  "messagerie-societe|Laissez-nous un message après le bip, nous vous rappellerons."
  "conges-ete|Nos bureaux sont fermés pour les congés d'été."
)

for entry in "${sounds[@]}"; do
  name="${entry%%|*}"
  text="${entry#*|}"
  espeak-ng -v fr -s 150 -w "$tmp/$name.wav" "$text"
  sox "$tmp/$name.wav" -r 8000 -c 1 -b 16 "$out/$name.wav"
done
echo "wrote ${#sounds[@]} sounds to $out"
