<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
  <context>
    <name>AcknowledgeScreen</name>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="41" />
      <source>Acknowledge with your key</source>
      <translation>Acknowledge with your key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="49" />
      <source>What happened</source>
      <translation>What happened</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="52" />
      <source>What to do</source>
      <translation>What to do</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="58" />
      <source>First custodian</source>
      <translation>First custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="59" />
      <source>Second custodian</source>
      <translation>Second custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="63" />
      <source>Acknowledge</source>
      <translation>Acknowledge</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="63" />
      <source>Acknowledge with the key</source>
      <translation>Acknowledge with the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="68" />
      <source>Lock the terminal</source>
      <translation>Lock the terminal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="116" />
      <source>Alert {n}</source>
      <translation>Alert {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="120" />
      <source>{name}: plug in your key, press Acknowledge, enter its PIN and touch it. Your signature says you saw this alert.</source>
      <translation>{name}: plug in your key, press Acknowledge, enter its PIN and touch it. Your signature says you saw this alert.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="124" />
      <source>Acknowledge with {name}'s key</source>
      <translation>Acknowledge with {name}'s key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="129" />
      <source>The journal holds entries that break the rules</source>
      <translation>The journal holds entries that break the rules</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="131" />
      <source>Every alarm about the journal is acknowledged.</source>
      <translation>Every alarm about the journal is acknowledged.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="132" />
      <source>The terminal can be used again; call security.</source>
      <translation>The terminal can be used again; call security.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="136" />
      <source>Entry {seq} ({kind}): {reason}.</source>
      <translation>Entry {seq} ({kind}): {reason}.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="144" />
      <source>The terminal is halted: the journal may have been written by someone acting alone. Do not use the terminal. Nothing was repaired or deleted: the entries stay as evidence, and an alarm slip was printed for each. Two custodians acknowledge the alarm, each with their own key; then call security and hand them the slips.</source>
      <translation>The terminal is halted: the journal may have been written by someone acting alone. Do not use the terminal. Nothing was repaired or deleted: the entries stay as evidence, and an alarm slip was printed for each. Two custodians acknowledge the alarm, each with their own key; then call security and hand them the slips.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="151" />
      <source>Acknowledge with two keys</source>
      <translation>Acknowledge with two keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="156" />
      <source>— choose —</source>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="173" />
      <source>Choose two different custodians: each acknowledges with their key.</source>
      <translation>Choose two different custodians: each acknowledges with their key.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/acknowledge.py" line="190" />
      <source>Acknowledged and recorded.</source>
      <translation>Acknowledged and recorded.</translation>
    </message>
  </context>
  <context>
    <name>Alerts</name>
    <message>
      <location filename="../../ui/alerts.py" line="188" />
      <source>Alert slip {n} printed: take it to the security team.</source>
      <extracomment>How often overdue deadlines are checked (and alerted) while unlocked. How often the network interfaces are looked at (the air gap), locked or not.</extracomment>
      <translation>Alert slip {n} printed: take it to the security team.</translation>
    </message>
  </context>
  <context>
    <name>ApprovalScreen</name>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="61" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="61" />
      <source>Leave this screen</source>
      <translation>Leave this screen</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="72" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="72" />
      <source>Cancel the approval in progress</source>
      <translation>Cancel the approval in progress</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="140" />
      <source>The new key has no PIN yet: its holder chooses one now and presses OK.</source>
      <translation>The new key has no PIN yet: its holder chooses one now and presses OK.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="148" />
      <source>Touch your security key now — it is blinking.</source>
      <translation>Touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/approval_screen.py" line="154" />
      <source>Checking the PIN…</source>
      <translation>Checking the PIN…</translation>
    </message>
  </context>
  <context>
    <name>AuditorBox</name>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="41" />
      <source>Auditor's USB stick (demo)</source>
      <translation>Auditor's USB stick (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="45" />
      <source>Stick plugged in</source>
      <translation>Stick plugged in</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="46" />
      <source>Plug in the auditor's USB stick</source>
      <translation>Plug in the auditor's USB stick</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="49" />
      <source>Auditor (demo)</source>
      <translation>Auditor (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="53" />
      <source>Verify the bundle</source>
      <translation>Verify the bundle</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="56" />
      <source>The auditor runs sealroom verify on the bundle on the stick</source>
      <translation>The auditor runs sealroom verify on the bundle on the stick</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/audit.py" line="64" />
      <source>The verifier's report</source>
      <translation>The verifier's report</translation>
    </message>
  </context>
  <context>
    <name>BackupScreen</name>
    <message>
      <location filename="../../ui/screens/backup.py" line="51" />
      <source>Backups</source>
      <translation>Backups</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="53" />
      <source>Last backup and next deadline</source>
      <translation>Last backup and next deadline</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="56" />
      <source>Registered backup medium</source>
      <translation>Registered backup medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="60" />
      <source>Write a backup now</source>
      <translation>Write a backup now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="61" />
      <source>Write a sealed backup to the registered medium</source>
      <translation>Write a sealed backup to the registered medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="68" />
      <source>Backup progress</source>
      <translation>Backup progress</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="76" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="76" />
      <source>Cancel the backup before it is written</source>
      <translation>Cancel the backup before it is written</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="82" />
      <source>What the terminal is doing</source>
      <translation>What the terminal is doing</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="86" />
      <source>Register a backup medium</source>
      <translation>Register a backup medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="89" />
      <location filename="../../ui/screens/backup.py" line="115" />
      <source>Register this medium</source>
      <translation>Register this medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="93" />
      <source>Plug in the stick that will be kept in the safe for backups (its label identifies it). Two custodians approve with their keys.</source>
      <translation>Plug in the stick that will be kept in the safe for backups (its label identifies it). Two custodians approve with their keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="99" />
      <source>Where it is kept</source>
      <translation>Where it is kept</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="102" />
      <source>e.g. safe A, second shelf</source>
      <translation>e.g. safe A, second shelf</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="103" />
      <source>Where the backup medium is kept</source>
      <translation>Where the backup medium is kept</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="109" />
      <source>Registration approved by custodian {n}</source>
      <translation>Registration approved by custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="116" />
      <source>Register the stick plugged in as the backup medium</source>
      <translation>Register the stick plugged in as the backup medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="141" />
      <source>— choose —</source>
      <extracomment>the last outcome shown (tests, diagnostics): the entry written, or None</extracomment>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="163" />
      <source>No backup medium is registered yet: register one below before the first backup.</source>
      <translation>No backup medium is registered yet: register one below before the first backup.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="170" />
      <source>Registered backup medium: {medium}. Take it from the safe and plug it in to write a backup.</source>
      <translation>Registered backup medium: {medium}. Take it from the safe and plug it in to write a backup.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="189" />
      <source>Looking for the backup medium…</source>
      <translation>Looking for the backup medium…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="190" />
      <source>Writing the sealed backup…</source>
      <translation>Writing the sealed backup…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="221" />
      <source>Backup written to {medium} ({file}), entry #{seq}. The stick is closed: you may remove it and return it to the safe.</source>
      <translation>Backup written to {medium} ({file}), entry #{seq}. The stick is closed: you may remove it and return it to the safe.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="225" />
      <source>Backup written to {medium} ({file}), entry #{seq}.</source>
      <translation>Backup written to {medium} ({file}), entry #{seq}.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="243" />
      <source>Say where the medium is kept and choose the two custodians.</source>
      <translation>Say where the medium is kept and choose the two custodians.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="247" />
      <source>Choose two different custodians.</source>
      <translation>Choose two different custodians.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/backup.py" line="269" />
      <source>Backup medium {medium} registered (entry #{seq}). Now write the first backup.</source>
      <translation>Backup medium {medium} registered (entry #{seq}). Now write the first backup.</translation>
    </message>
  </context>
  <context>
    <name>ClockRow</name>
    <message>
      <location filename="../../ui/screens/clock_row.py" line="34" />
      <source>Confirm the clock</source>
      <extracomment>the custodians asked to confirm the clock</extracomment>
      <translation>Confirm the clock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/clock_row.py" line="35" />
      <source>Confirm the terminal's clock, with two custodians</source>
      <translation>Confirm the terminal's clock, with two custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/clock_row.py" line="50" />
      <source>The clock says {clock} UTC, well after the last entry ({expected} UTC), and the terminal cannot tell how long it was off. Nothing can be recorded until two custodians check the date and time against a watch or phone and confirm it. If it is wrong, have security correct the clock.</source>
      <translation>The clock says {clock} UTC, well after the last entry ({expected} UTC), and the terminal cannot tell how long it was off. Nothing can be recorded until two custodians check the date and time against a watch or phone and confirm it. If it is wrong, have security correct the clock.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/clock_row.py" line="57" />
      <source>The clock was moved forward: it says {clock} UTC, but only the time up to {expected} UTC has passed. Nothing can be recorded until two custodians check the date and time against a watch or phone and confirm it. If it is wrong, have security correct the clock.</source>
      <translation>The clock was moved forward: it says {clock} UTC, but only the time up to {expected} UTC has passed. Nothing can be recorded until two custodians check the date and time against a watch or phone and confirm it. If it is wrong, have security correct the clock.</translation>
    </message>
  </context>
  <context>
    <name>CustodiansScreen</name>
    <message>
      <location filename="../../ui/screens/custodians.py" line="31" />
      <source>Custodians and keys</source>
      <translation>Custodians and keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="33" />
      <source>Custodians</source>
      <translation>Custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="43" />
      <source>Revoke a custodian</source>
      <translation>Revoke a custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="44" />
      <source>Custodian to revoke</source>
      <translation>Custodian to revoke</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="49" />
      <source>Reason for the revocation</source>
      <translation>Reason for the revocation</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="55" />
      <source>Revoke</source>
      <translation>Revoke</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="55" />
      <source>Revoke the custodian</source>
      <translation>Revoke the custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="61" />
      <source>Enrol a key</source>
      <translation>Enrol a key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="65" />
      <source>For a new custodian, auditor or security officer, or an extra key of someone enrolled: the holder plugs in the new key, chooses its PIN and touches it twice; then two other custodians approve with their keys.</source>
      <translation>For a new custodian, auditor or security officer, or an extra key of someone enrolled: the holder plugs in the new key, chooses its PIN and touches it twice; then two other custodians approve with their keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="80" />
      <source>Full name</source>
      <translation>Full name</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="74" />
      <source>Name of the key holder</source>
      <translation>Name of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="81" />
      <source>Role</source>
      <translation>Role</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="76" />
      <source>Role of the key holder</source>
      <translation>Role of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="48" />
      <source>e.g. key lost</source>
      <translation>e.g. key lost</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="73" />
      <source>e.g. audrey</source>
      <translation>e.g. audrey</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="74" />
      <source>e.g. Audrey Kim</source>
      <translation>e.g. Audrey Kim</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="76" />
      <source>e.g. Internal Auditor</source>
      <translation>e.g. Internal Auditor</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="79" />
      <source>Short id</source>
      <translation>Short id</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="85" />
      <source>Duty of the key holder</source>
      <translation>Duty of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="87" />
      <source>Custodian</source>
      <translation>Custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="88" />
      <source>Auditor</source>
      <translation>Auditor</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="89" />
      <source>Security staff</source>
      <translation>Security staff</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="93" />
      <source>Enrolment approved by custodian {n}</source>
      <translation>Enrolment approved by custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="97" />
      <source>Enrol the key</source>
      <translation>Enrol the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="97" />
      <source>Enrol the new key</source>
      <translation>Enrol the new key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="133" />
      <source>— choose —</source>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="197" />
      <source>Enter the id, name and role, and choose the two approvers.</source>
      <translation>Enter the id, name and role, and choose the two approvers.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="232" />
      <source>{name}'s key is enrolled and recorded.</source>
      <translation>{name}'s key is enrolled and recorded.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="240" />
      <source>{name}: plug in the new key; choose its PIN, then touch it when it blinks.</source>
      <translation>{name}: plug in the new key; choose its PIN, then touch it when it blinks.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="138" />
      <source>revoked</source>
      <translation>revoked</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="45" />
      <source>Reason</source>
      <translation>Reason</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="52" />
      <source>Approved by custodian {n}</source>
      <translation>Approved by custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="73" />
      <source>Short id of the key holder</source>
      <translation>Short id of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="138" />
      <source>{n} key(s)</source>
      <translation>{n} key(s)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="154" />
      <source>Choose who, why, and the two approvers.</source>
      <translation>Choose who, why, and the two approvers.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/custodians.py" line="179" />
      <source>Revoked and recorded.</source>
      <translation>Revoked and recorded.</translation>
    </message>
  </context>
  <context>
    <name>Dashboard</name>
    <message>
      <location filename="../../ui/screens/judged.py" line="24" />
      <source>not yet since the unlock</source>
      <translation>not yet since the unlock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/judged.py" line="27" />
      <source>Deadlines last judged: {when}</source>
      <translation>Deadlines last judged: {when}</translation>
    </message>
  </context>
  <context>
    <name>DashboardScreen</name>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="162" />
      <source>Safe room — {kiosk}</source>
      <extracomment>the longest button text kept on one line: at the theme's button font 40 characters are about 560 px, what the dashboard has beside the demo panel at 1024x768 flows left half-way, by incident (the flow screen's ``paused``, set by the window)</extracomment>
      <translation>Safe room — {kiosk}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="163" />
      <source>Lock</source>
      <translation>Lock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="163" />
      <source>Lock the terminal</source>
      <translation>Lock the terminal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="178" />
      <source>Approve the changed policy</source>
      <translation>Approve the changed policy</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="179" />
      <source>Approve the changed policy file, with two custodians</source>
      <translation>Approve the changed policy file, with two custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="191" />
      <source>Dashboard</source>
      <translation>Dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="207" />
      <source>Envelopes in the safe</source>
      <translation>Envelopes in the safe</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="208" />
      <source>Rotation due</source>
      <translation>Rotation due</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="209" />
      <source>Alerts to acknowledge</source>
      <translation>Alerts to acknowledge</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="210" />
      <location filename="../../ui/screens/dashboard.py" line="277" />
      <location filename="../../ui/screens/dashboard.py" line="386" />
      <source>Open incidents</source>
      <translation>Open incidents</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="211" />
      <source>Custodians</source>
      <translation>Custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="212" />
      <source>Break-glass accounts</source>
      <translation>Break-glass accounts</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="213" />
      <source>Journal head</source>
      <translation>Journal head</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="214" />
      <source>Blank bags in stock</source>
      <translation>Blank bags in stock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="224" />
      <source>Declare an emergency</source>
      <translation>Declare an emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="224" />
      <source>Declare a break-glass emergency</source>
      <translation>Declare a break-glass emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="231" />
      <source>Quarterly drill</source>
      <translation>Quarterly drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="231" />
      <source>Start a quarterly test drill</source>
      <translation>Start a quarterly test drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="237" />
      <source>Receive bag stock</source>
      <translation>Receive bag stock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="237" />
      <source>Receive a delivery of blank bags</source>
      <translation>Receive a delivery of blank bags</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="241" />
      <source>Register an account</source>
      <translation>Register an account</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="241" />
      <source>Register a break-glass account</source>
      <translation>Register a break-glass account</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="245" />
      <source>Journal</source>
      <translation>Journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="245" />
      <source>Browse and search the journal</source>
      <translation>Browse and search the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="249" />
      <source>Audit export</source>
      <translation>Audit export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="249" />
      <source>Export the journal for auditors</source>
      <translation>Export the journal for auditors</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="253" />
      <source>Custodians and keys</source>
      <translation>Custodians and keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="253" />
      <source>Enrol or revoke custodians</source>
      <translation>Enrol or revoke custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="257" />
      <source>Troubleshooting</source>
      <translation>Troubleshooting</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="257" />
      <source>What to do when something goes wrong</source>
      <translation>What to do when something goes wrong</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="281" />
      <location filename="../../ui/screens/dashboard.py" line="473" />
      <source>Deadlines</source>
      <translation>Deadlines</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="279" />
      <source>Alerts not yet acknowledged</source>
      <translation>Alerts not yet acknowledged</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="42" />
      <location filename="../../ui/screens/dashboard.py" line="286" />
      <source>Accounts and envelopes</source>
      <translation>Accounts and envelopes</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="288" />
      <location filename="../../ui/screens/dashboard.py" line="537" />
      <location filename="../../ui/screens/dashboard.py" line="549" />
      <source>Attached USB devices</source>
      <translation>Attached USB devices</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="291" />
      <source>Envelopes by state</source>
      <translation>Envelopes by state</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="346" />
      <source>The policy file (sha256 {new}…) is not the one the journal recorded ({old}…). Two custodians must approve it before anything else is done; if nobody meant to change it, call security.</source>
      <translation>The policy file (sha256 {new}…) is not the one the journal recorded ({old}…). Two custodians must approve it before anything else is done; if nobody meant to change it, call security.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="356" />
      <source>none</source>
      <translation>none</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="368" />
      <source>Envelopes — </source>
      <translation>Envelopes — </translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="369" />
      <source>none registered yet</source>
      <translation>none registered yet</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="392" />
      <source>None.</source>
      <translation>None.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="395" />
      <location filename="../../ui/screens/dashboard.py" line="421" />
      <source>{title}, at step: {step}</source>
      <translation>{title}, at step: {step}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="412" />
      <source>drill</source>
      <translation>drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="412" />
      <source>emergency</source>
      <translation>emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="414" />
      <source>{id} ({kind}) — {account}, phase: {phase}</source>
      <translation>{id} ({kind}) — {account}, phase: {phase}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="403" />
      <location filename="../../ui/screens/dashboard.py" line="427" />
      <location filename="../../ui/screens/dashboard.py" line="437" />
      <source>Continue: {next}</source>
      <translation>Continue: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="400" />
      <source>{id} — not yet declared: {next}</source>
      <translation>{id} — not yet declared: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="404" />
      <location filename="../../ui/screens/dashboard.py" line="428" />
      <location filename="../../ui/screens/dashboard.py" line="438" />
      <source>Continue {id}: {next}</source>
      <translation>Continue {id}: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="446" />
      <source>Return envelope unopened</source>
      <translation>Return envelope unopened</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="447" />
      <source>Return {id}'s envelope unopened</source>
      <translation>Return {id}'s envelope unopened</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="454" />
      <source>Stand down</source>
      <translation>Stand down</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="455" />
      <source>Stand down {id}: end it without opening an envelope</source>
      <translation>Stand down {id}: end it without opening an envelope</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="486" />
      <source>Nothing due.</source>
      <translation>Nothing due.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="52" />
      <source>{id} ({system}): {n} sealed</source>
      <translation>{id} ({system}): {n} sealed</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="56" />
      <source> — {n} superseded, destroy by {when}</source>
      <translation> — {n} superseded, destroy by {when}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="63" />
      <source> — retired</source>
      <translation> — retired</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="66" />
      <source> — ROTATION DUE</source>
      <translation> — ROTATION DUE</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="74" />
      <source>Rotate</source>
      <translation>Rotate</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="75" />
      <source>Rotate {id}</source>
      <translation>Rotate {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="83" />
      <source>Destroy superseded</source>
      <translation>Destroy superseded</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="84" />
      <source>Destroy the superseded envelopes of {id}</source>
      <translation>Destroy the superseded envelopes of {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="93" />
      <source>Seal a new envelope</source>
      <translation>Seal a new envelope</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="94" />
      <source>Seal a new envelope for {id}</source>
      <translation>Seal a new envelope for {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="109" />
      <source>Update</source>
      <translation>Update</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="110" />
      <source>Update account {id}</source>
      <translation>Update account {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="116" />
      <source>Retire</source>
      <translation>Retire</translation>
    </message>
    <message>
      <location filename="../../ui/screens/account_rows.py" line="117" />
      <source>Retire account {id}</source>
      <translation>Retire account {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="539" />
      <source>No USB devices found.</source>
      <translation>No USB devices found.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="541" />
      <source>allowed</source>
      <translation>allowed</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="541" />
      <source>REFUSED — alert recorded</source>
      <translation>REFUSED — alert recorded</translation>
    </message>
  </context>
  <context>
    <name>DemoPanel</name>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="107" />
      <location filename="../../ui/demo_panel/panel.py" line="114" />
      <source>Simulated devices (demo)</source>
      <extracomment>what the pick list's data holds for a printed paper: this prefix and the paper's number the demo's scanner read this code (as a wedge scanner types it, then Enter)</extracomment>
      <translation>Simulated devices (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="118" />
      <source>Scanner (demo)</source>
      <translation>Scanner (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="121" />
      <source>What to scan</source>
      <extracomment>(label, code) of what lies on the desk to scan; the window supplies it</extracomment>
      <translation>What to scan</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="125" />
      <source>Look again</source>
      <translation>Look again</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="127" />
      <source>Look again for what can be scanned</source>
      <translation>Look again for what can be scanned</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="130" />
      <source>Scan it</source>
      <translation>Scan it</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="132" />
      <source>Scan the chosen code</source>
      <translation>Scan the chosen code</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="141" />
      <source>Printed paper to open</source>
      <translation>Printed paper to open</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="143" />
      <source>Open the paper</source>
      <translation>Open the paper</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="145" />
      <source>Open the chosen printed paper</source>
      <translation>Open the chosen printed paper</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="150" />
      <source>Printed documents (demo)</source>
      <translation>Printed documents (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="191" />
      <source>Paper {n}: credential sheet for bag {bag}</source>
      <translation>Paper {n}: credential sheet for bag {bag}</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="193" />
      <source>Paper {n}: {title}</source>
      <translation>Paper {n}: {title}</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/panel.py" line="198" />
      <source>QR code of {paper}</source>
      <translation>QR code of {paper}</translation>
    </message>
  </context>
  <context>
    <name>ExportScreen</name>
    <message>
      <location filename="../../ui/screens/export.py" line="38" />
      <source>Audit export</source>
      <translation>Audit export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="42" />
      <source>Plug in the auditor's USB stick. An auditor and a custodian each approve with their key; the journal, its report and the signature go onto the stick.</source>
      <translation>Plug in the auditor's USB stick. An auditor and a custodian each approve with their key; the journal, its report and the signature go onto the stick.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="49" />
      <source>USB stick to write to</source>
      <translation>USB stick to write to</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="51" />
      <source>Look for USB sticks</source>
      <translation>Look for USB sticks</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="51" />
      <source>Look for USB sticks again</source>
      <translation>Look for USB sticks again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="60" />
      <location filename="../../ui/screens/export.py" line="65" />
      <source>Auditor</source>
      <translation>Auditor</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="63" />
      <location filename="../../ui/screens/export.py" line="66" />
      <source>Custodian</source>
      <translation>Custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="72" />
      <source>Export progress</source>
      <translation>Export progress</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="77" />
      <source>Export</source>
      <translation>Export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="77" />
      <source>Export to the USB stick</source>
      <translation>Export to the USB stick</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="80" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="80" />
      <source>Cancel the export</source>
      <translation>Cancel the export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="120" />
      <source>No USB stick found. Plug one in, then press 'Look for USB sticks'.</source>
      <translation>No USB stick found. Plug one in, then press 'Look for USB sticks'.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="140" />
      <source>Choose a USB stick, an auditor and a custodian.</source>
      <translation>Choose a USB stick, an auditor and a custodian.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/export.py" line="177" />
      <source>Exported {n} entries to {path}. Give the stick to the auditor.</source>
      <translation>Exported {n} entries to {path}. Give the stick to the auditor.</translation>
    </message>
  </context>
  <context>
    <name>FieldEditor</name>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="89" />
      <source>Now</source>
      <extracomment>the one translation context of this module's strings. pyside6-lupdate only extracts literal ``QCoreApplication.translate("FieldEditor", "...")`` calls (a helper ``tr(text)`` outside a class is extracted under an empty context that never matches at run time), so every string below is written that way, and words chosen at run time are marked with ``QT_TRANSLATE_NOOP``.</extracomment>
      <translation>Now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="93" />
      <source>{field}: set to now</source>
      <translation>{field}: set to now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="111" />
      <source>Now ({time}) if left empty — or type YYYY-MM-DD HH:MM</source>
      <translation>Now ({time}) if left empty — or type YYYY-MM-DD HH:MM</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="131" />
      <source>Time</source>
      <translation>Time</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="132" />
      <source>Action</source>
      <translation>Action</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="133" />
      <source>Outcome</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="134" />
      <source>Outside the stated reason</source>
      <translation>Outside the stated reason</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="135" />
      <source>Justification</source>
      <translation>Justification</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="136" />
      <location filename="../../ui/screens/fields.py" line="277" />
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="137" />
      <location filename="../../ui/screens/fields.py" line="283" />
      <source>Role</source>
      <translation>Role</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="138" />
      <source>Capacity</source>
      <translation>Capacity</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="158" />
      <source>Add row</source>
      <translation>Add row</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="162" />
      <source>{field}: add a row</source>
      <translation>{field}: add a row</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="189" />
      <source>— {what} —</source>
      <translation>— {what} —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="206" />
      <source>Remove</source>
      <translation>Remove</translation>
    </message>
    <message>
      <location filename="../../ui/screens/field_inputs.py" line="209" />
      <source>{field}: remove row {n}</source>
      <translation>{field}: remove row {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="113" />
      <source> (if it applies)</source>
      <translation> (if it applies)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="134" />
      <source>Problem with {field}</source>
      <translation>Problem with {field}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="235" />
      <source>Yes</source>
      <translation>Yes</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="236" />
      <source>No</source>
      <translation>No</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="213" />
      <location filename="../../ui/screens/fields.py" line="246" />
      <location filename="../../ui/screens/fields.py" line="254" />
      <source>— choose —</source>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="111" />
      <source> (if any)</source>
      <translation> (if any)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="204" />
      <source>Choose from the list — or type it</source>
      <translation>Choose from the list — or type it</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="278" />
      <source>{field}: name</source>
      <translation>{field}: name</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="284" />
      <source>{field}: role</source>
      <translation>{field}: role</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="303" />
      <source>Scan it — or type it</source>
      <translation>Scan it — or type it</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="309" />
      <source>One per line</source>
      <translation>One per line</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="310" />
      <source>Scan each bag; one serial per line</source>
      <translation>Scan each bag; one serial per line</translation>
    </message>
  </context>
  <context>
    <name>FlowScreen</name>
    <message>
      <location filename="../../ui/screens/flow.py" line="100" />
      <source>Back to the dashboard</source>
      <extracomment>incident id -&gt; its flow left half-way with "Back to the dashboard"; the dashboard's Continue resumes that same flow at its current step. Kept until the terminal locks (the flow belongs to the unlocked session). what the last lock discarded unrecorded (ui.resume.lock_note), shown after unlock</extracomment>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="100" />
      <source>Leave this procedure</source>
      <translation>Leave this procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="115" />
      <source>This step's questions</source>
      <translation>This step's questions</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="135" />
      <source>Record this step</source>
      <translation>Record this step</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="139" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="139" />
      <source>Cancel what is running</source>
      <translation>Cancel what is running</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="142" />
      <source>Continue the procedure</source>
      <translation>Continue the procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="163" />
      <source>This key's PIN is blocked.</source>
      <translation>This key's PIN is blocked.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="279" />
      <source>Done — {title}</source>
      <translation>Done — {title}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="284" />
      <source>No other sealed envelope exists for this account. Escalate to the security team now with the alert slip.</source>
      <translation>No other sealed envelope exists for this account. Escalate to the security team now with the alert slip.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="289" />
      <source>Alternative break-glass accounts of the same system: {others}.</source>
      <translation>Alternative break-glass accounts of the same system: {others}.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="294" />
      <source>Every step is recorded in the journal ({n} entries).</source>
      <translation>Every step is recorded in the journal ({n} entries).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="311" />
      <source>Continue: {next}</source>
      <translation>Continue: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="364" />
      <source>Elapsed {m} min {s:02d} s</source>
      <translation>Elapsed {m} min {s:02d} s</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="367" />
      <source>   ·   Next deadline: {label} — {left}</source>
      <translation>   ·   Next deadline: {label} — {left}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="394" />
      <source>Recording…</source>
      <translation>Recording…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="425" />
      <source>Some answers need attention — see the messages under them.</source>
      <translation>Some answers need attention — see the messages under them.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="443" />
      <source>Recorded: {kinds}. Printed: {titles} — take it from the printer.</source>
      <translation>Recorded: {kinds}. Printed: {titles} — take it from the printer.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="449" />
      <source>Recorded: {kinds}</source>
      <translation>Recorded: {kinds}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="452" />
      <source>Answer taken — nothing is recorded until the step below.</source>
      <translation>Answer taken — nothing is recorded until the step below.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="489" />
      <source>Approved. Recording…</source>
      <translation>Approved. Recording…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="514" />
      <source> ({n} attempts left)</source>
      <translation> ({n} attempts left)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="519" />
      <source>{who}: enter your key's PIN{left}</source>
      <translation>{who}: enter your key's PIN{left}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="527" />
      <source>{who}: touch your security key now — it is blinking.</source>
      <translation>{who}: touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="536" />
      <source>: checking the PIN…</source>
      <translation>: checking the PIN…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="543" />
      <source>The printer needs attention (below). This step waits until it has printed.</source>
      <translation>The printer needs attention (below). This step waits until it has printed.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="568" />
      <source>It was not added to the list.</source>
      <translation>It was not added to the list.</translation>
    </message>
  </context>
  <context>
    <name>JournalScreen</name>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="85" />
      <source>Journal (read-only)</source>
      <extracomment>rows shown at most (the newest first); the search reaches the rest</extracomment>
      <translation>Journal (read-only)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="93" />
      <source>Search: words, incident, serial, name…</source>
      <translation>Search: words, incident, serial, name…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="98" />
      <source>Check the whole chain</source>
      <translation>Check the whole chain</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="99" />
      <source>Check every journal entry from number 1</source>
      <translation>Check every journal entry from number 1</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="86" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="86" />
      <source>Leave the journal</source>
      <translation>Leave the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="94" />
      <source>Search the journal</source>
      <translation>Search the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="113" />
      <source>Journal entries</source>
      <translation>Journal entries</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="121" />
      <location filename="../../ui/screens/journal_browser.py" line="215" />
      <source>Choose an entry to see all of it here.</source>
      <translation>Choose an entry to see all of it here.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="122" />
      <source>The chosen entry</source>
      <translation>The chosen entry</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="131" />
      <source>the approval by {approver}</source>
      <translation>the approval by {approver}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="132" />
      <source>an attempt to reach the approver {approver} ({outcome})</source>
      <translation>an attempt to reach the approver {approver} ({outcome})</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="141" />
      <source>Approved with their keys by {people}</source>
      <translation>Approved with their keys by {people}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="174" />
      <source>Reading the journal…</source>
      <translation>Reading the journal…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="190" />
      <source>Checking every entry from #1…</source>
      <translation>Checking every entry from #1…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="200" />
      <source>The whole chain checks: entries 1 to {n}, head {head}… ({s:.1f} s). Compare the head with the last paper record from the safe.</source>
      <translation>The whole chain checks: entries 1 to {n}, head {head}… ({s:.1f} s). Compare the head with the last paper record from the safe.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="235" />
      <source>{n} entries, the newest first</source>
      <translation>{n} entries, the newest first</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="237" />
      <source>{k} of {n} entries match; the newest {m} are shown</source>
      <translation>{k} of {n} entries match; the newest {m} are shown</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="241" />
      <source>{k} of {n} entries match</source>
      <translation>{k} of {n} entries match</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="258" />
      <source>In the journal: entry {seq}, kind {kind}, hash {hash}</source>
      <translation>In the journal: entry {seq}, kind {kind}, hash {hash}</translation>
    </message>
  </context>
  <context>
    <name>KeyPanel</name>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="39" />
      <source>Approvals so far</source>
      <translation>Approvals so far</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="45" />
      <source>What the key needs now</source>
      <translation>What the key needs now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="50" />
      <source>What went wrong with the PIN</source>
      <translation>What went wrong with the PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="57" />
      <location filename="../../ui/screens/key_panel.py" line="58" />
      <source>Security key PIN</source>
      <extracomment>a PIN was sent to the key and not yet answered by a touch request</extracomment>
      <translation>Security key PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="61" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="61" />
      <source>Send the PIN to the key</source>
      <translation>Send the PIN to the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="65" />
      <source>Try again</source>
      <translation>Try again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="65" />
      <source>Try the key again</source>
      <translation>Try the key again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="91" />
      <source>{role} — {name}: plug in your security key and touch it when it blinks.</source>
      <translation>{role} — {name}: plug in your security key and touch it when it blinks.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/key_panel.py" line="97" />
      <source>✓ {role} — {name} approved</source>
      <translation>✓ {role} — {name} approved</translation>
    </message>
  </context>
  <context>
    <name>KeyRows</name>
    <message>
      <location filename="../../ui/demo_panel/keys.py" line="34" />
      <source>{name}'s key</source>
      <translation>{name}'s key</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/keys.py" line="38" />
      <source>plugged in</source>
      <translation>plugged in</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/keys.py" line="39" />
      <source>Plug in {name}'s key</source>
      <translation>Plug in {name}'s key</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/keys.py" line="41" />
      <source>Touch</source>
      <translation>Touch</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/keys.py" line="43" />
      <source>Touch {name}'s key</source>
      <translation>Touch {name}'s key</translation>
    </message>
  </context>
  <context>
    <name>KindNames</name>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="37" />
      <source>the creation of the journal</source>
      <translation>the creation of the journal</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="38" />
      <source>the policy change</source>
      <translation>the policy change</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="39" />
      <source>the clock confirmation</source>
      <translation>the clock confirmation</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="41" />
      <source>the enrolment of a person's security key</source>
      <translation>the enrolment of a person's security key</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="43" />
      <source>the revocation of a person</source>
      <translation>the revocation of a person</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="45" />
      <source>the registration of a break-glass account</source>
      <translation>the registration of a break-glass account</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="48" />
      <source>the bags received from the supplier</source>
      <translation>the bags received from the supplier</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="50" />
      <source>the envelope sealed into the safe</source>
      <translation>the envelope sealed into the safe</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="51" />
      <source>the envelope check-out</source>
      <translation>the envelope check-out</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="52" />
      <source>the envelope inspection</source>
      <translation>the envelope inspection</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="53" />
      <source>the opening of the envelope</source>
      <translation>the opening of the envelope</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="54" />
      <source>the envelope returned to the safe</source>
      <translation>the envelope returned to the safe</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="55" />
      <source>the destruction of the envelope</source>
      <translation>the destruction of the envelope</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="56" />
      <source>the credential reset</source>
      <translation>the credential reset</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="57" />
      <source>the emergency declaration</source>
      <translation>the emergency declaration</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="59" />
      <source>the attempt to contact the approver</source>
      <translation>the attempt to contact the approver</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="61" />
      <source>the exception to the procedure</source>
      <translation>the exception to the procedure</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="63" />
      <source>the executive sign-off of the exception</source>
      <translation>the executive sign-off of the exception</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="65" />
      <source>the notification of the approver</source>
      <translation>the notification of the approver</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="66" />
      <source>the start of the access session</source>
      <translation>the start of the access session</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="67" />
      <source>the action taken</source>
      <translation>the action taken</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="68" />
      <source>the end of the access session</source>
      <translation>the end of the access session</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="69" />
      <source>the post-incident review</source>
      <translation>the post-incident review</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="71" />
      <source>the session record signed by both persons</source>
      <translation>the session record signed by both persons</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="74" />
      <source>the acknowledgement of the declaration</source>
      <translation>the acknowledgement of the declaration</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="77" />
      <source>the invocation stood down with nothing opened</source>
      <translation>the invocation stood down with nothing opened</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="79" />
      <source>the credential sheet printed</source>
      <translation>the credential sheet printed</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="80" />
      <source>the alert slip that did not print</source>
      <translation>the alert slip that did not print</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="81" />
      <source>the alert slip printed again</source>
      <translation>the alert slip printed again</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="83" />
      <source>the credential sheet that did not print</source>
      <translation>the credential sheet that did not print</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="85" />
      <source>the credential sheet confirmed</source>
      <translation>the credential sheet confirmed</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="86" />
      <source>the login problem</source>
      <translation>the login problem</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="88" />
      <source>the discrepancy with the audit log</source>
      <translation>the discrepancy with the audit log</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="90" />
      <source>the failed credential reset</source>
      <translation>the failed credential reset</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="91" />
      <source>the escalation of the review</source>
      <translation>the escalation of the review</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="93" />
      <source>the verification after the reset</source>
      <translation>the verification after the reset</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="102" />
      <source>the failed verification of the reset</source>
      <translation>the failed verification of the reset</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="105" />
      <source>the approval of a new password and its sheets</source>
      <translation>the approval of a new password and its sheets</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="107" />
      <source>the change of a break-glass account</source>
      <translation>the change of a break-glass account</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="109" />
      <source>the retirement of a break-glass account</source>
      <translation>the retirement of a break-glass account</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="95" />
      <source>the approval of the audit export</source>
      <translation>the approval of the audit export</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="96" />
      <source>the audit export written</source>
      <translation>the audit export written</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="97" />
      <source>the failed audit export</source>
      <translation>the failed audit export</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="98" />
      <source>the alert</source>
      <translation>the alert</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="99" />
      <source>the acknowledgement of an alert</source>
      <translation>the acknowledgement of an alert</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="100" />
      <source>the unlocking of the terminal</source>
      <translation>the unlocking of the terminal</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="112" />
      <source>the registration of the backup medium</source>
      <translation>the registration of the backup medium</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="114" />
      <source>the sealed backup</source>
      <translation>the sealed backup</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="115" />
      <source>the backup that could not be written</source>
      <translation>the backup that could not be written</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="116" />
      <source>the move to new hardware</source>
      <translation>the move to new hardware</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="117" />
      <source>the retirement of the terminal</source>
      <translation>the retirement of the terminal</translation>
    </message>
    <message>
      <location filename="../../kiosk/format/kind_words.py" line="119" />
      <source>the restore of the terminal from a backup</source>
      <translation>the restore of the terminal from a backup</translation>
    </message>
  </context>
  <context>
    <name>LockNote</name>
    <message>
      <location filename="../../ui/resume.py" line="82" />
      <source>The terminal locked while «{flow}» was waiting at step «{step}»: that step was cancelled and nothing of it was recorded.</source>
      <translation>The terminal locked while «{flow}» was waiting at step «{step}»: that step was cancelled and nothing of it was recorded.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="90" />
      <source>The terminal locked during «{flow}», step «{step}»: what was typed there was kept ({fields}) and comes back when you go on with it.</source>
      <translation>The terminal locked during «{flow}», step «{step}»: what was typed there was kept ({fields}) and comes back when you go on with it.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="98" />
      <source>The terminal locked during «{flow}», step «{step}»: what was typed there and not yet recorded was cleared ({fields}). Enter it again.</source>
      <translation>The terminal locked during «{flow}», step «{step}»: what was typed there and not yet recorded was cleared ({fields}). Enter it again.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="108" />
      <source>«{flow}»: these answered steps are not recorded and will be asked again, with the answers typed before the lock filled in: {steps}.</source>
      <translation>«{flow}»: these answered steps are not recorded and will be asked again, with the answers typed before the lock filled in: {steps}.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="116" />
      <source>«{flow}»: these answered steps are not recorded and will be asked again: {steps}.</source>
      <translation>«{flow}»: these answered steps are not recorded and will be asked again: {steps}.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="125" />
      <source>Everything recorded before the lock is kept in the journal. Press Continue beside the incident to go on from there.</source>
      <translation>Everything recorded before the lock is kept in the journal. Press Continue beside the incident to go on from there.</translation>
    </message>
    <message>
      <location filename="../../ui/resume.py" line="131" />
      <source>Everything recorded before the lock is kept in the journal. The emergency is not declared yet: press Declare an emergency to go on.</source>
      <translation>Everything recorded before the lock is kept in the journal. The emergency is not declared yet: press Declare an emergency to go on.</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../ui/main_window.py" line="136" />
      <source>Sealroom — {kiosk}</source>
      <extracomment>The screens the dashboard opens by name. how long before the lock the warning shows (at most a third of the idle time)</extracomment>
      <translation>Sealroom — {kiosk}</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="146" />
      <source>The terminal is about to lock</source>
      <translation>The terminal is about to lock</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="220" />
      <source>The sheet just printed (its QR code)</source>
      <extracomment>asked before the windowed terminal closes mid-procedure (tests replace it) set once the process is stopping: nothing is unlocked any more</extracomment>
      <translation>The sheet just printed (its QR code)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="223" />
      <source>Blank bag {serial}</source>
      <translation>Blank bag {serial}</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="227" />
      <source>Envelope {serial} ({account}, {state})</source>
      <translation>Envelope {serial} ({account}, {state})</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="436" />
      <source>Close Sealroom?</source>
      <translation>Close Sealroom?</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="438" />
      <source>A procedure is in progress. Closing locks the terminal: the steps already recorded are kept, the answers not yet recorded are lost. Close now?</source>
      <translation>A procedure is in progress. Closing locks the terminal: the steps already recorded are kept, the answers not yet recorded are lost. Close now?</translation>
    </message>
  </context>
  <context>
    <name>PaperWindow</name>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="33" />
      <source>Printed paper {n}: {title}</source>
      <translation>Printed paper {n}: {title}</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="44" />
      <source>Scan its QR code</source>
      <translation>Scan its QR code</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="46" />
      <source>Scan its barcode {code}</source>
      <translation>Scan its barcode {code}</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="50" />
      <source>{what} with the demo's scanner</source>
      <translation>{what} with the demo's scanner</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="65" />
      <source>Page {n}</source>
      <translation>Page {n}</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="74" />
      <source>Put the paper down</source>
      <translation>Put the paper down</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel/papers.py" line="76" />
      <source>Close this paper</source>
      <translation>Close this paper</translation>
    </message>
  </context>
  <context>
    <name>PrintPanel</name>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="29" />
      <source>Printer status</source>
      <translation>Printer status</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="33" />
      <source>Print again</source>
      <translation>Print again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="33" />
      <source>Print the document again</source>
      <translation>Print the document again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="35" />
      <source>Stop</source>
      <translation>Stop</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="35" />
      <source>Stop printing</source>
      <translation>Stop printing</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="51" />
      <source>Printer: {state}</source>
      <translation>Printer: {state}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="55" />
      <source>Printing failed: {why}</source>
      <translation>Printing failed: {why}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/print_panel.py" line="62" />
      <source>Printed: {title}. Take it from the printer.</source>
      <translation>Printed: {title}. Take it from the printer.</translation>
    </message>
  </context>
  <context>
    <name>QtPaper</name>
    <message>
      <location filename="../../ui/procedure_devices.py" line="147" />
      <source>Preparing {title}…</source>
      <translation>Preparing {title}…</translation>
    </message>
    <message>
      <location filename="../../ui/procedure_devices.py" line="175" />
      <source>This document holds a password: shred any part of it that came out of the printer.</source>
      <translation>This document holds a password: shred any part of it that came out of the printer.</translation>
    </message>
    <message>
      <location filename="../../ui/procedure_devices.py" line="179" />
      <source>Last printer state: {state}</source>
      <translation>Last printer state: {state}</translation>
    </message>
  </context>
  <context>
    <name>RestoreScreen</name>
    <message>
      <location filename="../../ui/screens/restore.py" line="54" />
      <source>Restore this terminal from a backup</source>
      <translation>Restore this terminal from a backup</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="55" />
      <source>Back to the lock screen</source>
      <translation>Back to the lock screen</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="56" />
      <source>Give the restore up and go back to the lock screen</source>
      <translation>Give the restore up and go back to the lock screen</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="66" />
      <source>For a new or repaired machine: the journal comes back from the newest sealed backup, checked entry by entry, compared with the newest record in the safe, and two custodians sign the restore. Whatever was written after the backup is named as lost, never hidden.</source>
      <extracomment>what the restore ended with, for the dashboard's banner</extracomment>
      <translation>For a new or repaired machine: the journal comes back from the newest sealed backup, checked entry by entry, compared with the newest record in the safe, and two custodians sign the restore. Whatever was written after the backup is named as lost, never hidden.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="75" />
      <source>1. The backup medium</source>
      <translation>1. The backup medium</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="77" />
      <source>Look for the backup</source>
      <translation>Look for the backup</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="78" />
      <source>Look for the newest backup on the medium plugged in</source>
      <translation>Look for the newest backup on the medium plugged in</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="83" />
      <location filename="../../ui/screens/restore.py" line="215" />
      <source>Plug in the backup stick from the safe.</source>
      <translation>Plug in the backup stick from the safe.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="84" />
      <source>The backup found</source>
      <translation>The backup found</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="87" />
      <source>2. Open it</source>
      <translation>2. Open it</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="89" />
      <source>Open with my security key</source>
      <translation>Open with my security key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="90" />
      <source>Open the backup with a custodian's security key</source>
      <translation>Open the backup with a custodian's security key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="97" />
      <source>or the recovery passphrase</source>
      <translation>or the recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="98" />
      <source>Recovery passphrase</source>
      <translation>Recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="101" />
      <source>Open with the passphrase</source>
      <translation>Open with the passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="102" />
      <source>Open the backup with the recovery passphrase</source>
      <translation>Open the backup with the recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="111" />
      <source>Checking the backup</source>
      <translation>Checking the backup</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="115" />
      <source>The check of the backup</source>
      <translation>The check of the backup</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="118" />
      <source>3. The newest record in the safe</source>
      <translation>3. The newest record in the safe</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="122" />
      <source>Scan its QR code, or type the head: 40 · 3fa2b19c0d11</source>
      <translation>Scan its QR code, or type the head: 40 · 3fa2b19c0d11</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="124" />
      <source>The head printed on the newest record</source>
      <translation>The head printed on the newest record</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="127" />
      <source>Compare</source>
      <translation>Compare</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="127" />
      <source>Compare the backup with the record</source>
      <translation>Compare the backup with the record</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="132" />
      <source>4. The newest audit export (optional)</source>
      <translation>4. The newest audit export (optional)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="134" />
      <source>Read the export from a stick</source>
      <translation>Read the export from a stick</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="135" />
      <source>Compare with the newest audit export on a stick plugged in</source>
      <translation>Compare with the newest audit export on a stick plugged in</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="140" />
      <source>The audit export compared</source>
      <translation>The audit export compared</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="143" />
      <source>5. What was lost, and the signatures</source>
      <translation>5. What was lost, and the signatures</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="145" />
      <source>What is known to be lost</source>
      <translation>What is known to be lost</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="151" />
      <source>Restore signed by custodian {n}</source>
      <translation>Restore signed by custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="157" />
      <source>Sign the restore</source>
      <translation>Sign the restore</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="158" />
      <source>Both custodians sign the restore with their keys</source>
      <translation>Both custodians sign the restore with their keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="241" />
      <source>Newest backup on {medium}: entry {seq} · {hash}, written {when}.</source>
      <translation>Newest backup on {medium}: entry {seq} · {hash}, written {when}.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="249" />
      <source>Now open it with a custodian's key or the recovery passphrase.</source>
      <translation>Now open it with a custodian's key or the recovery passphrase.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="266" />
      <source>Plug in your security key; it is asked for shortly.</source>
      <translation>Plug in your security key; it is asked for shortly.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="274" />
      <source>Enter your key's PIN to open the backup.</source>
      <translation>Enter your key's PIN to open the backup.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="286" />
      <source>Type the recovery passphrase first.</source>
      <translation>Type the recovery passphrase first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="303" />
      <source>Checking the chain and every signature of {n} entries…</source>
      <translation>Checking the chain and every signature of {n} entries…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="330" />
      <source>Opened and checked: {n} entries, every signature valid. You may unplug the backup stick and return it to the safe.</source>
      <translation>Opened and checked: {n} entries, every signature valid. You may unplug the backup stick and return it to the safe.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="338" />
      <source>Now scan the QR code of the newest record in the safe, or type its head.</source>
      <translation>Now scan the QR code of the newest record in the safe, or type its head.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="353" />
      <source>— choose —</source>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="390" />
      <source>No audit export found on the sticks plugged in.</source>
      <translation>No audit export found on the sticks plugged in.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="393" />
      <source>Newest audit export: head {seq} · {hash}.</source>
      <translation>Newest audit export: head {seq} · {hash}.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="406" />
      <source>Nothing is lost: the backup holds the head of the newest record.</source>
      <translation>Nothing is lost: the backup holds the head of the newest record.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="409" />
      <source>LOST: entries {first} to {last} ({n}), written after the backup (entry {seq}). They will be named in the journal as lost.</source>
      <translation>LOST: entries {first} to {last} ({n}), written after the backup (entry {seq}). They will be named in the journal as lost.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="417" />
      <source>Two custodians now sign the restore with their keys.</source>
      <translation>Two custodians now sign the restore with their keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="426" />
      <source>Choose the two custodians who sign.</source>
      <translation>Choose the two custodians who sign.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="449" />
      <source>Terminal restored (entry #{seq}). Entries {first} to {last} are recorded as lost: tell the security team.</source>
      <translation>Terminal restored (entry #{seq}). Entries {first} to {last} are recorded as lost: tell the security team.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="453" />
      <source>Terminal restored (entry #{seq}); nothing was lost.</source>
      <translation>Terminal restored (entry #{seq}); nothing was lost.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/restore.py" line="492" />
      <source>Checking the PIN…</source>
      <translation>Checking the PIN…</translation>
    </message>
  </context>
  <context>
    <name>StepBar</name>
    <message>
      <location filename="../../ui/screens/step_bar.py" line="46" />
      <source>Steps of this procedure</source>
      <translation>Steps of this procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/step_bar.py" line="53" />
      <source>Elapsed time and next deadline</source>
      <translation>Elapsed time and next deadline</translation>
    </message>
    <message>
      <location filename="../../ui/screens/step_bar.py" line="71" />
      <source>now: {n}. {t}</source>
      <translation>now: {n}. {t}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/step_bar.py" line="74" />
      <source>done: {n}. {t}</source>
      <translation>done: {n}. {t}</translation>
    </message>
  </context>
  <context>
    <name>TroubleshootingScreen</name>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="53" />
      <source>When something goes wrong</source>
      <translation>When something goes wrong</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="54" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="54" />
      <source>Leave troubleshooting</source>
      <translation>Leave troubleshooting</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="60" />
      <source>Search: printer, PIN, key, scanner, stick, login…</source>
      <translation>Search: printer, PIN, key, scanner, stick, login…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="61" />
      <source>Search the problems</source>
      <translation>Search the problems</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="75" />
      <source>&lt;b&gt;{problem}&lt;/b&gt;&lt;br&gt;Why: {cause}&lt;br&gt;What to do: {what}&lt;br&gt;Where: {where}</source>
      <translation>&lt;b&gt;{problem}&lt;/b&gt;&lt;br&gt;Why: {cause}&lt;br&gt;What to do: {what}&lt;br&gt;Where: {where}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="100" />
      <source>Declare an emergency, at the step “Emergency approver”: record each attempt, then “no approver reached”.</source>
      <translation>Declare an emergency, at the step “Emergency approver”: record each attempt, then “no approver reached”.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="104" />
      <source>Declare an emergency, at the first step “Incident details”.</source>
      <translation>Declare an emergency, at the first step “Incident details”.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="107" />
      <source>Continue: Check out and open the envelope, at the step “Inspect the envelope”: answer that it is damaged.</source>
      <translation>Continue: Check out and open the envelope, at the step “Inspect the envelope”: answer that it is damaged.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="111" />
      <source>Continue: Access session log, at its first step: record that the login failed or the MFA method is unavailable.</source>
      <translation>Continue: Access session log, at its first step: record that the login failed or the MFA method is unavailable.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="115" />
      <source>Continue: Documentation and signing, at the step about actions not documented.</source>
      <translation>Continue: Documentation and signing, at the step about actions not documented.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="118" />
      <source>Continue: Credential reset: answer that the reset failed; the terminal asks why and keeps the incident open.</source>
      <translation>Continue: Credential reset: answer that the reset failed; the terminal asks why and keeps the incident open.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="122" />
      <source>Continue: Post-incident review, at the step “Escalate”.</source>
      <translation>Continue: Post-incident review, at the step “Escalate”.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="125" />
      <source>Continue: Notify the approver (on the dashboard, beside the incident).</source>
      <translation>Continue: Notify the approver (on the dashboard, beside the incident).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="128" />
      <source>Continue: Executive sign-off (on the dashboard, beside the incident).</source>
      <translation>Continue: Executive sign-off (on the dashboard, beside the incident).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="136" />
      <source>On the dashboard, beside the incident.</source>
      <translation>On the dashboard, beside the incident.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="145" />
      <source>The printer does not print</source>
      <translation>The printer does not print</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="146" />
      <source>It is off, out of paper, jammed, or its queue is stopped.</source>
      <translation>It is off, out of paper, jammed, or its queue is stopped.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="148" />
      <source>Check power, paper and cable; clear a jam. The screen says what the printer reported. Press “Print again” on the step: nothing is recorded until the paper is out.</source>
      <translation>Check power, paper and cable; clear a jam. The screen says what the printer reported. Press “Print again” on the step: nothing is recorded until the paper is out.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="152" />
      <source>Any step that prints; the message is above the step's questions.</source>
      <translation>Any step that prints; the message is above the step's questions.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="155" />
      <source>A sheet printed wrongly or half a sheet came out</source>
      <translation>A sheet printed wrongly or half a sheet came out</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="156" />
      <source>A paper jam or the printer stopped mid-page.</source>
      <translation>A paper jam or the printer stopped mid-page.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="158" />
      <source>Do not keep a half-printed credential sheet: shred it at once, then print again — a new sheet gets a new password.</source>
      <translation>Do not keep a half-printed credential sheet: shred it at once, then print again — a new sheet gets a new password.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="161" />
      <source>The step that printed it.</source>
      <translation>The step that printed it.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="164" />
      <source>“No security key was found”</source>
      <translation>“No security key was found”</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="165" />
      <source>The key is not plugged in, or not fully in.</source>
      <translation>The key is not plugged in, or not fully in.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="167" />
      <source>Plug the key into the terminal's front port and wait two seconds, then press “Try again”. Only the key asked for works.</source>
      <translation>Plug the key into the terminal's front port and wait two seconds, then press “Try again”. Only the key asked for works.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="170" />
      <source>The lock screen, or any step that asks for keys.</source>
      <translation>The lock screen, or any step that asks for keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="173" />
      <source>The PIN is refused</source>
      <translation>The PIN is refused</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="175" />
      <source>A wrong PIN. Each key allows 8 tries; at zero the key is blocked for good.</source>
      <translation>A wrong PIN. Each key allows 8 tries; at zero the key is blocked for good.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="178" />
      <source>Type the PIN again slowly; the screen says how many tries are left. With one or two left, stop and find the written PIN. A blocked key must be replaced: another custodian approves, and a new key is enrolled under Custodians and keys.</source>
      <translation>Type the PIN again slowly; the screen says how many tries are left. With one or two left, stop and find the written PIN. A blocked key must be replaced: another custodian approves, and a new key is enrolled under Custodians and keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="183" />
      <source>The PIN box under “Security key”.</source>
      <translation>The PIN box under “Security key”.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="186" />
      <source>The key is refused as “not the key asked for”</source>
      <translation>The key is refused as “not the key asked for”</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="188" />
      <source>It is another custodian's key, or the key that already approved this step (the same person twice).</source>
      <translation>It is another custodian's key, or the key that already approved this step (the same person twice).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="192" />
      <source>Each approval needs the named custodian's own key. Hand the terminal to that person, or choose another custodian on the step.</source>
      <translation>Each approval needs the named custodian's own key. Hand the terminal to that person, or choose another custodian on the step.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="195" />
      <source>Any step that asks for two keys.</source>
      <translation>Any step that asks for two keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="198" />
      <source>Touching the key does nothing</source>
      <translation>Touching the key does nothing</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="199" />
      <source>The key was not asked for yet, or the time to touch it ran out.</source>
      <translation>The key was not asked for yet, or the time to touch it ran out.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="201" />
      <source>Touch it only when the screen says “Touch your key now” and its light blinks. If the time ran out, press “Try again”.</source>
      <translation>Touch it only when the screen says “Touch your key now” and its light blinks. If the time ran out, press “Try again”.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="204" />
      <source>Any step that asks for keys.</source>
      <translation>Any step that asks for keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="207" />
      <source>The scanner does nothing, or the code appears as typed text</source>
      <translation>The scanner does nothing, or the code appears as typed text</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="208" />
      <source>The scanner is unplugged, set to another keyboard layout, or too slow.</source>
      <translation>The scanner is unplugged, set to another keyboard layout, or too slow.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="210" />
      <source>Plug the scanner in and scan again with the code flat under the light. If the code lands in a field as text, check it and press Enter, or type the serial printed under the barcode.</source>
      <translation>Plug the scanner in and scan again with the code flat under the light. If the code lands in a field as text, check it and press Enter, or type the serial printed under the barcode.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="214" />
      <source>Steps that ask for an envelope, bag or sheet to be scanned.</source>
      <translation>Steps that ask for an envelope, bag or sheet to be scanned.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="217" />
      <source>The envelope serial is refused</source>
      <translation>The envelope serial is refused</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="219" />
      <source>The code read is not a Sealroom serial (SR and 8 digits), or a typing slip.</source>
      <translation>The code read is not a Sealroom serial (SR and 8 digits), or a typing slip.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="222" />
      <source>Read the serial under the barcode (SR then 8 digits, e.g. SR00012347) and type it, or scan the barcode again.</source>
      <translation>Read the serial under the barcode (SR then 8 digits, e.g. SR00012347) and type it, or scan the barcode again.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="225" />
      <source>Steps that ask for a serial.</source>
      <translation>Steps that ask for a serial.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="228" />
      <source>The USB stick is not offered for the export</source>
      <translation>The USB stick is not offered for the export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="230" />
      <source>It is not plugged in, is read-only, is a fixed disk, or USBGuard has not allowed it.</source>
      <translation>It is not plugged in, is read-only, is a fixed disk, or USBGuard has not allowed it.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="234" />
      <source>Plug the stick in, wait five seconds and press “Look for USB sticks again”. Use a plain FAT or exFAT stick, write-enabled. A stick the terminal refuses says why on the screen.</source>
      <translation>Plug the stick in, wait five seconds and press “Look for USB sticks again”. Use a plain FAT or exFAT stick, write-enabled. A stick the terminal refuses says why on the screen.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="238" />
      <source>Audit export.</source>
      <translation>Audit export.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="241" />
      <source>The terminal locked while we were working</source>
      <translation>The terminal locked while we were working</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="243" />
      <source>Nobody touched it for the idle time; a warning with a countdown comes first.</source>
      <translation>Nobody touched it for the idle time; a warning with a countdown comes first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="246" />
      <source>Unlock again: the incident and the steps already recorded are kept, and the dashboard's Continue button goes back to the step.</source>
      <translation>Unlock again: the incident and the steps already recorded are kept, and the dashboard's Continue button goes back to the step.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="249" />
      <source>The lock screen, then the dashboard.</source>
      <translation>The lock screen, then the dashboard.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="264" />
      <source>{n} problems, each with what to do. Type to search.</source>
      <translation>{n} problems, each with what to do. Type to search.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="270" />
      <source>{k} of {n} problems match.</source>
      <translation>{k} of {n} problems match.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="274" />
      <source>No problem matches “{words}”. Try one word, e.g. printer or key.</source>
      <translation>No problem matches “{words}”. Try one word, e.g. printer or key.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/troubleshooting.py" line="92" />
      <source>Troubleshooting table</source>
      <translation>Troubleshooting table</translation>
    </message>
  </context>
  <context>
    <name>UnlockScreen</name>
    <message>
      <location filename="../../ui/screens/unlock.py" line="68" />
      <source>Sealroom is locked</source>
      <extracomment>how the last unlock was made: "security key" or "recovery passphrase"</extracomment>
      <translation>Sealroom is locked</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="71" />
      <source>Break-glass credential terminal {kiosk}. A custodian unlocks it: plug in your security key, press the button, then enter the key's PIN and touch it.</source>
      <translation>Break-glass credential terminal {kiosk}. A custodian unlocks it: plug in your security key, press the button, then enter the key's PIN and touch it.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="78" />
      <location filename="../../ui/screens/unlock.py" line="79" />
      <source>Unlock with my security key</source>
      <translation>Unlock with my security key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="98" />
      <location filename="../../ui/screens/unlock.py" line="99" />
      <source>Security key PIN</source>
      <translation>Security key PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="103" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="103" />
      <source>Send the PIN to the key</source>
      <translation>Send the PIN to the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="108" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="108" />
      <source>Cancel unlocking</source>
      <translation>Cancel unlocking</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="119" />
      <location filename="../../ui/screens/unlock.py" line="122" />
      <source>Use the recovery passphrase instead</source>
      <translation>Use the recovery passphrase instead</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="130" />
      <location filename="../../ui/screens/unlock.py" line="131" />
      <source>Recovery passphrase</source>
      <translation>Recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="136" />
      <source>Unlock</source>
      <translation>Unlock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="136" />
      <source>Unlock with the recovery passphrase</source>
      <translation>Unlock with the recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="146" />
      <source>This terminal holds no journal: a new or repaired machine. Restore it from its newest backup (two custodians, the backup stick and the newest record from the safe), or commission a new terminal (sealroom commission).</source>
      <translation>This terminal holds no journal: a new or repaired machine. Restore it from its newest backup (two custodians, the backup stick and the newest record from the safe), or commission a new terminal (sealroom commission).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="154" />
      <location filename="../../ui/screens/unlock.py" line="155" />
      <source>Restore this terminal from a backup</source>
      <translation>Restore this terminal from a backup</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="166" />
      <source>Demo terminal: plug in a simulated key on the right, unlock, and touch it there. Key PIN {pin}. Recovery passphrase: {p}</source>
      <translation>Demo terminal: plug in a simulated key on the right, unlock, and touch it there. Key PIN {pin}. Recovery passphrase: {p}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="224" />
      <source>Looking for your security key…</source>
      <translation>Looking for your security key…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="256" />
      <source>Enter your key's PIN ({n} attempts left)</source>
      <translation>Enter your key's PIN ({n} attempts left)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="259" />
      <source>Enter your key's PIN</source>
      <translation>Enter your key's PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="274" />
      <source>Touch your security key now — it is blinking.</source>
      <translation>Touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="288" />
      <source>Type the key's PIN first.</source>
      <translation>Type the key's PIN first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="290" />
      <source>Checking the PIN…</source>
      <translation>Checking the PIN…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="313" />
      <source>Type the recovery passphrase first.</source>
      <translation>Type the recovery passphrase first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="320" />
      <source>Checking the passphrase and verifying the journal…</source>
      <translation>Checking the passphrase and verifying the journal…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="369" />
      <source>The alarm slip did not print ({why}): tell security in person.</source>
      <translation>The alarm slip did not print ({why}): tell security in person.</translation>
    </message>
  </context>
</TS>