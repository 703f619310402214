#!/usr/bin/env bash
# Debian packages the test suite needs: chromium (driven by Playwright through executable_path, never a
# browser download) and Noto CJK fonts so Chinese renders in screenshots and PDFs. Idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p | grep -q libpangoft2 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要以 root 身份安装：${need[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "installing Debian packages: ${need[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
