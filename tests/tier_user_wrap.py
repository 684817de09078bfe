"""`python tier_user_wrap.py CMD...` (as root): run CMD where user namespaces are refused.

The refusal is for CMD alone, not the machine: CMD runs in a user namespace of its own
that maps every uid to itself and whose `user.max_user_namespaces` is 0, so any
unshare(CLONE_NEWUSER) below it fails with ENOSPC (the limit is per namespace, and
checked up the chain). Used to test the ordinary-user tier without user namespaces.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000


def main() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        if libc.unshare(CLONE_NEWUSER) != 0:
            os._exit(125)
        os.write(ready_w, b"x")
        os.read(go_r, 1)  # mapped by the parent
        with open("/proc/sys/user/max_user_namespaces", "w") as f:
            f.write("0")
        os.execvp(sys.argv[1], sys.argv[1:])
    os.close(ready_w)
    os.close(go_r)
    if os.read(ready_r, 1):
        for name in ("uid_map", "gid_map"):
            with open(f"/proc/{pid}/{name}", "w") as f:
                f.write("0 0 4294967295")
    os.write(go_w, b"x")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
