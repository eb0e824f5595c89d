<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
  <context>
    <name />
    <message>
      <location filename="../../ui/screens/fields.py" line="88" />
      <source>Now</source>
      <translation>Now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="91" />
      <source>{field}: set to now</source>
      <translation>{field}: set to now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="108" />
      <source>Now ({time}) if left empty — or type YYYY-MM-DD HH:MM</source>
      <translation>Now ({time}) if left empty — or type YYYY-MM-DD HH:MM</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="155" />
      <source>Add row</source>
      <translation>Add row</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="158" />
      <source>{field}: add a row</source>
      <translation>{field}: add a row</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="183" />
      <source>— {what} —</source>
      <translation>— {what} —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="196" />
      <source>Remove</source>
      <translation>Remove</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="198" />
      <source>{field}: remove row {n}</source>
      <translation>{field}: remove row {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="269" />
      <source> (if it applies)</source>
      <translation> (if it applies)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="285" />
      <source>Problem with {field}</source>
      <translation>Problem with {field}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="333" />
      <source>Yes</source>
      <translation>Yes</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="333" />
      <source>No</source>
      <translation>No</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="341" />
      <location filename="../../ui/screens/fields.py" line="349" />
      <source>— choose —</source>
      <translation>— choose —</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="371" />
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="372" />
      <source>Role</source>
      <translation>Role</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="387" />
      <source>Scan it — or type it</source>
      <translation>Scan it — or type it</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="392" />
      <source>One per line</source>
      <translation>One per line</translation>
    </message>
    <message>
      <location filename="../../ui/screens/fields.py" line="393" />
      <source>Scan each bag; one serial per line</source>
      <translation>Scan each bag; one serial per line</translation>
    </message>
  </context>
  <context>
    <name>CustodiansScreen</name>
    <message>
      <location filename="../../ui/screens/others.py" line="364" />
      <source>Custodians and keys</source>
      <translation>Custodians and keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="366" />
      <source>Custodians</source>
      <translation>Custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="368" />
      <source>Revoke a custodian</source>
      <translation>Revoke a custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="371" />
      <source>Custodian to revoke</source>
      <translation>Custodian to revoke</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="375" />
      <source>Reason (e.g. left the company, key lost)</source>
      <translation>Reason (e.g. left the company, key lost)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="376" />
      <source>Reason for the revocation</source>
      <translation>Reason for the revocation</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="382" />
      <source>Approving custodian {n}</source>
      <translation>Approving custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="387" />
      <source>Revoke</source>
      <translation>Revoke</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="387" />
      <source>Revoke the custodian</source>
      <translation>Revoke the custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="391" />
      <source>Enrol a key</source>
      <translation>Enrol a key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="395" />
      <source>For a new custodian, auditor or security officer, or an extra key of someone enrolled: the holder plugs in the new key, chooses its PIN and touches it twice; then two other custodians approve with their keys.</source>
      <translation>For a new custodian, auditor or security officer, or an extra key of someone enrolled: the holder plugs in the new key, chooses its PIN and touches it twice; then two other custodians approve with their keys.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="402" />
      <source>Short id (letters, digits, - _ .)</source>
      <translation>Short id (letters, digits, - _ .)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="402" />
      <source>New id</source>
      <translation>New id</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="403" />
      <source>Full name</source>
      <translation>Full name</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="403" />
      <source>Name of the key holder</source>
      <translation>Name of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="404" />
      <source>Role</source>
      <translation>Role</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="404" />
      <source>Role of the key holder</source>
      <translation>Role of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="410" />
      <source>Duty of the key holder</source>
      <translation>Duty of the key holder</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="412" />
      <source>Custodian</source>
      <translation>Custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="413" />
      <source>Auditor</source>
      <translation>Auditor</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="414" />
      <source>Security staff</source>
      <translation>Security staff</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="422" />
      <source>Enrolment approved by custodian {n}</source>
      <translation>Enrolment approved by custodian {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="426" />
      <source>Enrol the key</source>
      <translation>Enrol the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="426" />
      <source>Enrol the new key</source>
      <translation>Enrol the new key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="515" />
      <source>Enter the id, name and role, and choose the two approvers.</source>
      <translation>Enter the id, name and role, and choose the two approvers.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="548" />
      <source>{name}'s key is enrolled and recorded.</source>
      <translation>{name}'s key is enrolled and recorded.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="556" />
      <source>{name}: plug in the new key; choose its PIN, then touch it when it blinks.</source>
      <translation>{name}: plug in the new key; choose its PIN, then touch it when it blinks.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="454" />
      <source>revoked</source>
      <translation>revoked</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="454" />
      <source>{n} key(s)</source>
      <translation>{n} key(s)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="470" />
      <source>Choose who, why, and the two approvers.</source>
      <translation>Choose who, why, and the two approvers.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="495" />
      <source>Revoked and recorded.</source>
      <translation>Revoked and recorded.</translation>
    </message>
  </context>
  <context>
    <name>DashboardScreen</name>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="109" />
      <source>Safe room — {kiosk}</source>
      <extracomment>flows left half-way, by incident (the flow screen's ``paused``, set by the window)</extracomment>
      <translation>Safe room — {kiosk}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="110" />
      <source>Lock</source>
      <translation>Lock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="110" />
      <source>Lock the terminal</source>
      <translation>Lock the terminal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="130" />
      <source>Envelopes in the safe</source>
      <translation>Envelopes in the safe</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="131" />
      <source>Rotation due</source>
      <translation>Rotation due</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="132" />
      <source>Alerts to acknowledge</source>
      <translation>Alerts to acknowledge</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="133" />
      <location filename="../../ui/screens/dashboard.py" line="202" />
      <location filename="../../ui/screens/dashboard.py" line="266" />
      <source>Open incidents</source>
      <translation>Open incidents</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="134" />
      <source>Custodians</source>
      <translation>Custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="135" />
      <source>Break-glass accounts</source>
      <translation>Break-glass accounts</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="136" />
      <source>Journal head</source>
      <translation>Journal head</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="137" />
      <source>Blank bags in stock</source>
      <translation>Blank bags in stock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="146" />
      <source>Declare an emergency</source>
      <translation>Declare an emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="146" />
      <source>Declare a break-glass emergency</source>
      <translation>Declare a break-glass emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="153" />
      <source>Quarterly drill</source>
      <translation>Quarterly drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="153" />
      <source>Start a quarterly test drill</source>
      <translation>Start a quarterly test drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="159" />
      <source>Receive bag stock</source>
      <translation>Receive bag stock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="159" />
      <source>Receive a delivery of blank bags</source>
      <translation>Receive a delivery of blank bags</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="163" />
      <source>Register an account</source>
      <translation>Register an account</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="163" />
      <source>Register a break-glass account</source>
      <translation>Register a break-glass account</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="167" />
      <source>Journal</source>
      <translation>Journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="167" />
      <source>Browse and search the journal</source>
      <translation>Browse and search the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="171" />
      <source>Audit export</source>
      <translation>Audit export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="171" />
      <source>Export the journal for auditors</source>
      <translation>Export the journal for auditors</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="175" />
      <source>Custodians and keys</source>
      <translation>Custodians and keys</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="175" />
      <source>Enrol or revoke custodians</source>
      <translation>Enrol or revoke custodians</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="179" />
      <source>Troubleshooting</source>
      <translation>Troubleshooting</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="179" />
      <source>What to do when something goes wrong</source>
      <translation>What to do when something goes wrong</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="204" />
      <location filename="../../ui/screens/dashboard.py" line="334" />
      <source>Deadlines</source>
      <translation>Deadlines</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="206" />
      <location filename="../../ui/screens/dashboard.py" line="365" />
      <source>Alerts not yet acknowledged</source>
      <translation>Alerts not yet acknowledged</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="208" />
      <location filename="../../ui/screens/dashboard.py" line="401" />
      <source>Accounts and envelopes</source>
      <translation>Accounts and envelopes</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="210" />
      <location filename="../../ui/screens/dashboard.py" line="447" />
      <location filename="../../ui/screens/dashboard.py" line="459" />
      <source>Attached USB devices</source>
      <translation>Attached USB devices</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="215" />
      <source>Envelopes by state</source>
      <translation>Envelopes by state</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="244" />
      <source>none</source>
      <translation>none</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="256" />
      <source>Envelopes — </source>
      <translation>Envelopes — </translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="257" />
      <source>none registered yet</source>
      <translation>none registered yet</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="271" />
      <location filename="../../ui/screens/dashboard.py" line="371" />
      <source>None.</source>
      <translation>None.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="275" />
      <location filename="../../ui/screens/dashboard.py" line="299" />
      <source>{title}, at step: {step}</source>
      <translation>{title}, at step: {step}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="278" />
      <source>{id} — not yet declared</source>
      <translation>{id} — not yet declared</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="290" />
      <source>drill</source>
      <translation>drill</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="290" />
      <source>emergency</source>
      <translation>emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="292" />
      <source>{id} ({kind}) — {account}, phase: {phase}</source>
      <translation>{id} ({kind}) — {account}, phase: {phase}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="280" />
      <location filename="../../ui/screens/dashboard.py" line="303" />
      <location filename="../../ui/screens/dashboard.py" line="314" />
      <source>Continue: {next}</source>
      <translation>Continue: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="281" />
      <location filename="../../ui/screens/dashboard.py" line="304" />
      <location filename="../../ui/screens/dashboard.py" line="315" />
      <source>Continue {id}: {next}</source>
      <translation>Continue {id}: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="323" />
      <source>Return envelope unopened</source>
      <translation>Return envelope unopened</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="324" />
      <source>Return {id}'s envelope unopened</source>
      <translation>Return {id}'s envelope unopened</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="344" />
      <source>Nothing due.</source>
      <translation>Nothing due.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="375" />
      <source>Who acknowledges alerts</source>
      <translation>Who acknowledges alerts</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="380" />
      <source>Acknowledged by:</source>
      <translation>Acknowledged by:</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="388" />
      <source>Acknowledge</source>
      <translation>Acknowledge</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="388" />
      <source>Acknowledge alert {n}</source>
      <translation>Acknowledge alert {n}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="409" />
      <source>{id} ({system}): {n} sealed</source>
      <translation>{id} ({system}): {n} sealed</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="414" />
      <source> — ROTATION DUE</source>
      <translation> — ROTATION DUE</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="420" />
      <source>Rotate</source>
      <translation>Rotate</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="420" />
      <source>Rotate {id}</source>
      <translation>Rotate {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="426" />
      <source>Seal a new envelope</source>
      <translation>Seal a new envelope</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="427" />
      <source>Seal a new envelope for {id}</source>
      <translation>Seal a new envelope for {id}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="449" />
      <source>No USB devices found.</source>
      <translation>No USB devices found.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="451" />
      <source>allowed</source>
      <translation>allowed</translation>
    </message>
    <message>
      <location filename="../../ui/screens/dashboard.py" line="451" />
      <source>REFUSED — alert recorded</source>
      <translation>REFUSED — alert recorded</translation>
    </message>
  </context>
  <context>
    <name>DemoPanel</name>
    <message>
      <location filename="../../ui/demo_panel.py" line="29" />
      <source>Simulated devices (demo)</source>
      <translation>Simulated devices (demo)</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel.py" line="43" />
      <source>{name}'s key plugged in</source>
      <translation>{name}'s key plugged in</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel.py" line="44" />
      <source>Plug in {name}'s key</source>
      <translation>Plug in {name}'s key</translation>
    </message>
    <message>
      <location filename="../../ui/demo_panel.py" line="47" />
      <location filename="../../ui/demo_panel.py" line="49" />
      <source>Touch {name}'s key</source>
      <translation>Touch {name}'s key</translation>
    </message>
  </context>
  <context>
    <name>ExportScreen</name>
    <message>
      <location filename="../../ui/screens/others.py" line="205" />
      <source>Audit export</source>
      <translation>Audit export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="209" />
      <source>Plug in the auditor's USB stick. An auditor and a custodian each approve with their key; the journal, its report and the signature go onto the stick.</source>
      <translation>Plug in the auditor's USB stick. An auditor and a custodian each approve with their key; the journal, its report and the signature go onto the stick.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="216" />
      <source>USB stick to write to</source>
      <translation>USB stick to write to</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="218" />
      <source>Look for USB sticks</source>
      <translation>Look for USB sticks</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="218" />
      <source>Look for USB sticks again</source>
      <translation>Look for USB sticks again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="227" />
      <location filename="../../ui/screens/others.py" line="232" />
      <source>Auditor</source>
      <translation>Auditor</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="230" />
      <location filename="../../ui/screens/others.py" line="233" />
      <source>Custodian</source>
      <translation>Custodian</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="239" />
      <source>Export progress</source>
      <translation>Export progress</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="244" />
      <source>Export</source>
      <translation>Export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="244" />
      <source>Export to the USB stick</source>
      <translation>Export to the USB stick</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="247" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="247" />
      <source>Cancel the export</source>
      <translation>Cancel the export</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="285" />
      <source>No USB stick found. Plug one in, then press 'Look for USB sticks'.</source>
      <translation>No USB stick found. Plug one in, then press 'Look for USB sticks'.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="302" />
      <source>Choose a USB stick, an auditor and a custodian.</source>
      <translation>Choose a USB stick, an auditor and a custodian.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="344" />
      <source>Exported {n} entries to {path}. Give the stick to the auditor.</source>
      <translation>Exported {n} entries to {path}. Give the stick to the auditor.</translation>
    </message>
  </context>
  <context>
    <name>FlowScreen</name>
    <message>
      <location filename="../../ui/screens/flow.py" line="217" />
      <source>Back to the dashboard</source>
      <extracomment>incident id -&gt; its flow left half-way with "Back to the dashboard"; the dashboard's Continue resumes that same flow at its current step. Kept until the terminal locks (the flow belongs to the unlocked session).</extracomment>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="217" />
      <source>Leave this procedure</source>
      <translation>Leave this procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="252" />
      <source>Record this step</source>
      <translation>Record this step</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="256" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="256" />
      <source>Cancel what is running</source>
      <translation>Cancel what is running</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="259" />
      <source>Continue the procedure</source>
      <translation>Continue the procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="280" />
      <source>This key's PIN is blocked.</source>
      <translation>This key's PIN is blocked.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="361" />
      <source>Done — {title}</source>
      <translation>Done — {title}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="366" />
      <source>No other sealed envelope exists for this account. Escalate to the security team now with the alert slip.</source>
      <translation>No other sealed envelope exists for this account. Escalate to the security team now with the alert slip.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="372" />
      <source>Every step is recorded in the journal ({n} entries).</source>
      <translation>Every step is recorded in the journal ({n} entries).</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="387" />
      <source>Continue: {next}</source>
      <translation>Continue: {next}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="431" />
      <source>Elapsed {m} min {s:02d} s</source>
      <translation>Elapsed {m} min {s:02d} s</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="434" />
      <source>   ·   Next deadline: {label} — {left}</source>
      <translation>   ·   Next deadline: {label} — {left}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="461" />
      <source>Recording…</source>
      <translation>Recording…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="491" />
      <source>Some answers need attention — see the messages under them.</source>
      <translation>Some answers need attention — see the messages under them.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="498" />
      <source>nothing new</source>
      <translation>nothing new</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="500" />
      <source>Recorded: {kinds}</source>
      <translation>Recorded: {kinds}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="534" />
      <source>{role} — {name}: plug in your security key and touch it when it blinks.</source>
      <translation>{role} — {name}: plug in your security key and touch it when it blinks.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="540" />
      <source>✓ {role} — {name} approved</source>
      <translation>✓ {role} — {name} approved</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="544" />
      <source>Approved. Recording…</source>
      <translation>Approved. Recording…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="571" />
      <source> ({n} attempts left)</source>
      <translation> ({n} attempts left)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="577" />
      <source>{who}: enter your key's PIN{left}</source>
      <translation>{who}: enter your key's PIN{left}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="586" />
      <source>{who}: touch your security key now — it is blinking.</source>
      <translation>{who}: touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="595" />
      <source>: checking the PIN…</source>
      <translation>: checking the PIN…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="605" />
      <source>Printer: {state}</source>
      <translation>Printer: {state}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="609" />
      <source>Printing failed: {why}</source>
      <translation>Printing failed: {why}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="617" />
      <source>Printed: {title}. Take it from the printer.</source>
      <translation>Printed: {title}. Take it from the printer.</translation>
    </message>
  </context>
  <context>
    <name>JournalScreen</name>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="33" />
      <source>Journal (read-only)</source>
      <translation>Journal (read-only)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="34" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="34" />
      <source>Leave the journal</source>
      <translation>Leave the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="40" />
      <source>Search: kind, incident, serial, name…</source>
      <translation>Search: kind, incident, serial, name…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="41" />
      <source>Search the journal</source>
      <translation>Search the journal</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="47" />
      <source>Journal entries</source>
      <translation>Journal entries</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="63" />
      <source>Reading the journal…</source>
      <translation>Reading the journal…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/journal_browser.py" line="73" />
      <source>{n} entries</source>
      <translation>{n} entries</translation>
    </message>
  </context>
  <context>
    <name>KeyPanel</name>
    <message>
      <location filename="../../ui/screens/flow.py" line="122" />
      <source>Approvals so far</source>
      <translation>Approvals so far</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="127" />
      <source>What the key needs now</source>
      <translation>What the key needs now</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="132" />
      <location filename="../../ui/screens/flow.py" line="133" />
      <source>Security key PIN</source>
      <translation>Security key PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="136" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="136" />
      <source>Send the PIN to the key</source>
      <translation>Send the PIN to the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="140" />
      <source>Try again</source>
      <translation>Try again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="140" />
      <source>Try the key again</source>
      <translation>Try the key again</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../ui/main_window.py" line="63" />
      <source>Sealroom — {kiosk}</source>
      <translation>Sealroom — {kiosk}</translation>
    </message>
  </context>
  <context>
    <name>PrintPanel</name>
    <message>
      <location filename="../../ui/screens/flow.py" line="167" />
      <source>Printer status</source>
      <translation>Printer status</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="171" />
      <source>Print again</source>
      <translation>Print again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="171" />
      <source>Print the document again</source>
      <translation>Print the document again</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="173" />
      <source>Stop</source>
      <translation>Stop</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="173" />
      <source>Stop printing</source>
      <translation>Stop printing</translation>
    </message>
  </context>
  <context>
    <name>StepBar</name>
    <message>
      <location filename="../../ui/screens/flow.py" line="83" />
      <source>Steps of this procedure</source>
      <translation>Steps of this procedure</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="87" />
      <source>Elapsed time and next deadline</source>
      <translation>Elapsed time and next deadline</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="100" />
      <source>now: {n}. {t}</source>
      <translation>now: {n}. {t}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/flow.py" line="103" />
      <source>done: {n}. {t}</source>
      <translation>done: {n}. {t}</translation>
    </message>
  </context>
  <context>
    <name>TroubleshootingScreen</name>
    <message>
      <location filename="../../ui/screens/others.py" line="571" />
      <source>Troubleshooting</source>
      <translation>Troubleshooting</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="572" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="572" />
      <source>Leave troubleshooting</source>
      <translation>Leave troubleshooting</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="577" />
      <source>Declare an emergency</source>
      <translation>Declare an emergency</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="578" />
      <source>Continue: Check out and open the envelope</source>
      <translation>Continue: Check out and open the envelope</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="579" />
      <source>Continue: Access session log</source>
      <translation>Continue: Access session log</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="580" />
      <source>Continue: Documentation and signing</source>
      <translation>Continue: Documentation and signing</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="581" />
      <source>Continue: Credential reset</source>
      <translation>Continue: Credential reset</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="582" />
      <source>Continue: Post-incident review</source>
      <translation>Continue: Post-incident review</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="583" />
      <source>Continue: Notify the approver</source>
      <translation>Continue: Notify the approver</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="584" />
      <source>Continue: Executive sign-off</source>
      <translation>Continue: Executive sign-off</translation>
    </message>
  </context>
  <context>
    <name>UnlockScreen</name>
    <message>
      <location filename="../../ui/screens/unlock.py" line="42" />
      <source>Sealroom is locked</source>
      <translation>Sealroom is locked</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="46" />
      <source>Break-glass credential terminal {kiosk}. A custodian unlocks it: plug in your security key, press the button, then enter the key's PIN and touch it.</source>
      <translation>Break-glass credential terminal {kiosk}. A custodian unlocks it: plug in your security key, press the button, then enter the key's PIN and touch it.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="53" />
      <location filename="../../ui/screens/unlock.py" line="54" />
      <source>Unlock with my security key</source>
      <translation>Unlock with my security key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="73" />
      <location filename="../../ui/screens/unlock.py" line="74" />
      <source>Security key PIN</source>
      <translation>Security key PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="78" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="78" />
      <source>Send the PIN to the key</source>
      <translation>Send the PIN to the key</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="83" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="83" />
      <source>Cancel unlocking</source>
      <translation>Cancel unlocking</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="94" />
      <location filename="../../ui/screens/unlock.py" line="96" />
      <source>Use the recovery passphrase instead</source>
      <translation>Use the recovery passphrase instead</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="104" />
      <location filename="../../ui/screens/unlock.py" line="105" />
      <source>Recovery passphrase</source>
      <translation>Recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="110" />
      <source>Unlock</source>
      <translation>Unlock</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="110" />
      <source>Unlock with the recovery passphrase</source>
      <translation>Unlock with the recovery passphrase</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="120" />
      <source>Demo terminal: plug in a simulated key on the right, unlock, and touch it there. Key PIN {pin}. Recovery passphrase: {p}</source>
      <translation>Demo terminal: plug in a simulated key on the right, unlock, and touch it there. Key PIN {pin}. Recovery passphrase: {p}</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="142" />
      <source>Looking for your security key…</source>
      <translation>Looking for your security key…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="165" />
      <source>Enter your key's PIN ({n} attempts left)</source>
      <translation>Enter your key's PIN ({n} attempts left)</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="168" />
      <source>Enter your key's PIN</source>
      <translation>Enter your key's PIN</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="176" />
      <source>Touch your security key now — it is blinking.</source>
      <translation>Touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="190" />
      <source>Type the key's PIN first.</source>
      <translation>Type the key's PIN first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="192" />
      <source>Checking the PIN…</source>
      <translation>Checking the PIN…</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="214" />
      <source>Type the recovery passphrase first.</source>
      <translation>Type the recovery passphrase first.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/unlock.py" line="217" />
      <source>Checking the passphrase and verifying the journal…</source>
      <translation>Checking the passphrase and verifying the journal…</translation>
    </message>
  </context>
  <context>
    <name>_KeyScreen</name>
    <message>
      <location filename="../../ui/screens/others.py" line="60" />
      <source>Back to the dashboard</source>
      <translation>Back to the dashboard</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="60" />
      <source>Leave this screen</source>
      <translation>Leave this screen</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="71" />
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="71" />
      <source>Cancel the approval in progress</source>
      <translation>Cancel the approval in progress</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="118" />
      <source>{role} — {name}: plug in your security key and touch it when it blinks.</source>
      <translation>{role} — {name}: plug in your security key and touch it when it blinks.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="124" />
      <source>✓ {role} — {name} approved</source>
      <translation>✓ {role} — {name} approved</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="147" />
      <source>The new key has no PIN yet: its holder chooses one now and presses OK.</source>
      <translation>The new key has no PIN yet: its holder chooses one now and presses OK.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="154" />
      <source>Touch your security key now — it is blinking.</source>
      <translation>Touch your security key now — it is blinking.</translation>
    </message>
    <message>
      <location filename="../../ui/screens/others.py" line="163" />
      <source>Checking the PIN…</source>
      <translation>Checking the PIN…</translation>
    </message>
  </context>
</TS>