#!/usr/bin/env bash
# Debian packages the site and the test suite need. To run the site (`--runtime`, from `make run`): Pango
# (WeasyPrint lays out the PDFs with it), the Noto CJK fonts (embedded in every PDF) and npm, which fetches
# Apache ECharts from the npm registry for the statistics dashboards (served by the site as a static file).
# For the tests besides: chromium (driven by Playwright through executable_path, never a browser download)
# and poppler-utils (pdftotext, pdffonts, pdfimages, pdftoppm read the PDFs back); npm also fetches axe-core
# for the accessibility checks. Idempotent.
set -euo pipefail
need=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
ldconfig -p | grep -q libpangoft2 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v npm >/dev/null 2>&1 || need+=(npm)
# pg_dump and pg_restore for `manage.py backup`/`restore`/`restore_drill` when the database is PostgreSQL.
case "${DATABASE_URL:-}" in postgres*) command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client) ;; esac
if [ "${1:-}" != "--runtime" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fi
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
