#!/usr/bin/env bash
# Debian packages the project needs: chromium (browser tests), the DejaVu fonts (Unicode PDFs
# made in tests), Tesseract with its Vietnamese model (OCR of scanned PDFs at ingest) and nginx
# (the TLS + token gate in front of a Chroma server, deploy/chroma-gate.conf.template, run by tests).
# Installs only what is missing; needs root or sudo.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
{ [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; } || need+=(nginx)
# the model's location moves with tesseract's major version: look for it anywhere under share/
compgen -G "/usr/share/tesseract-ocr/*/tessdata/vie.traineddata" >/dev/null || need+=(tesseract-ocr-vie)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
