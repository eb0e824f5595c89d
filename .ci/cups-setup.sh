#!/bin/sh
# Install and start CUPS with a PDF printer queue named "sealroom" (or $SEALROOM_QUEUE).
#
# Why: the printing tests (pytest -m cups) must run against a real CUPS, not a
# mock. This script makes a fresh Debian 12 machine (or container) ready for
# them, and is safe to run again and again:
#   - installs cups, cups-client, cups-ipp-utils, printer-driver-cups-pdf,
#     poppler-utils only when missing (apt-get);
#   - configures cupsd so printed documents are NOT kept in the spool after a
#     job ends (PreserveJobFiles No): credential sheets must leave no copy;
#   - makes cups-pdf write into /var/spool/cups-pdf/<user> (the "paper tray"),
#     so tests know where the printed "paper" lands;
#   - starts cupsd directly (no systemd needed) and waits until it answers;
#   - creates/enables the queue with the cups-pdf driver;
#   - installs the sealroom-test backend and two queues on it that stall
#     mid-job ("<queue>-test-hang", "<queue>-test-paper-out"), so the tests
#     can end jobs mid-print.
# Must run as root. Prints the cups-pdf output directory on its last line:
#   CUPS_PDF_OUT=/var/spool/cups-pdf/root
set -eu

QUEUE="${SEALROOM_QUEUE:-sealroom}"
OUT_BASE=/var/spool/cups-pdf

if [ "$(id -u)" -ne 0 ]; then
    echo "cups-setup: must run as root" >&2
    exit 1
fi

need=""
for pair in cupsd:cups lp:cups-client ipptool:cups-ipp-utils pdftoppm:poppler-utils; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need="$need $pkg"
done
[ -f /usr/lib/cups/backend/cups-pdf ] || need="$need printer-driver-cups-pdf"
if [ -n "$need" ]; then
    echo "cups-setup: installing$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need
fi

# --- cupsd: never keep document files of finished jobs --------------------
conf=/etc/cups/cupsd.conf
if grep -qE '^[[:space:]]*PreserveJobFiles' "$conf"; then
    sed -i -E 's/^[[:space:]]*PreserveJobFiles.*/PreserveJobFiles No/' "$conf"
else
    printf '\n# Sealroom: no copy of a printed document stays in the spool.\nPreserveJobFiles No\n' >>"$conf"
fi

# --- cups-pdf: a known output directory ------------------------------------
pdfconf=/etc/cups/cups-pdf.conf
if ! grep -qE "^Out ${OUT_BASE}/\\\$\\{USER\\}$" "$pdfconf"; then
    sed -i -E '/^[[:space:]]*Out[[:space:]]/d' "$pdfconf"
    printf 'Out %s/${USER}\n' "$OUT_BASE" >>"$pdfconf"
fi
mkdir -p "$OUT_BASE"

# --- start (or restart, to load the configuration) cupsd ------------------
mkdir -p /run/cups
if lpstat -r 2>/dev/null | grep -q 'is running'; then
    # Reload so the configuration above takes effect; SIGHUP works with or
    # without systemd.
    pid=$(pidof cupsd || true)
    if [ -n "$pid" ]; then kill -HUP $pid; fi
else
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl restart cups
    else
        /usr/sbin/cupsd
    fi
fi
i=0
until lpstat -r 2>/dev/null | grep -q 'is running'; do
    i=$((i + 1))
    if [ "$i" -gt 50 ]; then
        echo "cups-setup: cupsd did not start" >&2
        exit 1
    fi
    sleep 0.2
done
# After a HUP cupsd restarts its listeners; wait until it answers again.
sleep 1
until lpstat -r 2>/dev/null | grep -q 'is running'; do sleep 0.2; done

# --- the queue --------------------------------------------------------------
ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    lpadmin -p "$QUEUE" -v cups-pdf:/ -P "$ppd" -D "Sealroom PDF printer (CI)" -L "safe room"
fi
cupsenable "$QUEUE"
cupsaccept "$QUEUE"
lpstat -p "$QUEUE"

# --- test printers that never finish a job ----------------------------------
# The tests end credential-sheet jobs mid-print (cancel, timeout, printer
# stopped, paper out, cupsd restarted) and then search for copies; cups-pdf
# prints too fast to stop on purpose. These queues run the same filters as
# the queue above in front of a backend that stalls (see the backend's text).
install -m 0755 "$(dirname "$0")/sealroom-test-backend" /usr/lib/cups/backend/sealroom-test
for mode in hang paper-out; do
    q="${QUEUE}-test-${mode}"
    if ! lpstat -p "$q" >/dev/null 2>&1; then
        lpadmin -p "$q" -v "sealroom-test:/${mode}" -P "$ppd" -D "Sealroom test printer (${mode})"
    fi
    cupsenable "$q"
    cupsaccept "$q"
done
echo "CUPS_PDF_OUT=${OUT_BASE}/$(id -un)"
