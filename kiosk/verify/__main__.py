"""``python -m kiosk.verify BUNDLE... [--kiosk-key FILE] [--anchor SEQ:HASH] [--json]``."""

import sys

from kiosk.verify.cli import main

sys.exit(main())
