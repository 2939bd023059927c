#!/usr/bin/env python3
"""Send one QMP command to a QEMU monitor socket once the guest asks for it.

    qmp.py SOCKET SERIAL_LOG MARKER COMMAND [JSON_ARGUMENTS]

Waits (up to 240 s) for MARKER on a line of the guest's serial log, then runs COMMAND, e.g.
`qmp.py $QMP_SOCK $SERIAL_LOG VFIOADM-UNPLUG-NIC device_del '{"id": "nic0"}'`.
"""
import json
import socket
import sys
import time


def main():
    sock_path, log, marker, cmd = sys.argv[1:5]
    args = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    deadline = time.time() + 240
    while time.time() < deadline:
        try:
            if any(line.strip() == marker for line in open(log, errors="replace")):
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        print(f"qmp.py: {marker} never appeared", file=sys.stderr)
        return 1
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    f = s.makefile("rw")
    f.readline()  # greeting
    for c in ({"execute": "qmp_capabilities"}, {"execute": cmd, "arguments": args}):
        f.write(json.dumps(c) + "\n")
        f.flush()
        reply = json.loads(f.readline())
        while "event" in reply:
            reply = json.loads(f.readline())
        if "error" in reply:
            print(f"qmp.py: {c['execute']}: {reply['error']}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
