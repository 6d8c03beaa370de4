"""``migrate-report``: what moving to another HubSpot release breaks, read from recorded traffic.

``traffic`` reads the emulator's journal or a HAR file, ``report`` maps each exchange to the
target release and judges it against the release table, ``objects`` names the CRM object calls
it counts without judging, ``replay`` sends the traffic to two local emulators (the
``[emulator]`` extra, imported only when ``--replay`` runs).
"""
