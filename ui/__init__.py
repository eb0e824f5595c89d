"""Sealroom's PySide6 application: screens, widgets and Qt glue.

Screens only render what ``kiosk`` flows say and forward what people do;
device calls and long work run in workers (:mod:`ui.workers`). Importing this
package does not import Qt, so ``sealroom verify`` and ``sealroom init`` work
on machines without PySide6.
"""
