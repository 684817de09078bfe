"""The suite's host leftover check can fail: things planted on the host are reported, and
gone once cleaned (tests/host_leftovers.py; conftest runs it at the end of the session)."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import host_leftovers
import pytest

from harness.sandbox import walls

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="slot uids and keys need root")

_libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY, KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(os.uname().machine, (0, 0))
KEY_SPEC_PROCESS_KEYRING, KEYCTL_INVALIDATE = -2, 21
IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0


def _plant_key(uid: int) -> int:
    """A key owned by `uid` (the owner is the fsuid), kept in this process's own keyring,
    so it dies with this process whatever happens; no process of `uid` is started."""
    with host_leftovers.as_fsuid(uid):
        key = _libc.syscall(ADD_KEY, b"user", b"sockgrade-probe", b"secret", 6,
                            KEY_SPEC_PROCESS_KEYRING)
    assert key > 0, os.strerror(ctypes.get_errno())
    return int(key)


@pytest.mark.skipif(not ADD_KEY, reason="add_key's syscall number unknown on this machine")
def test_the_host_leftover_check_reports_what_is_planted(tmp_path: Path) -> None:
    uid = walls.BASE_UID + walls.SLOTS - 1  # the slot graders take last
    before = host_leftovers.snapshot(tmp_path)
    shm = Path("/dev/shm") / f"sockgrade-probe-{os.getpid()}"
    vartmp = Path("/var/tmp") / f"sockgrade-probe-{os.getpid()}"
    segment = key = -1
    try:
        shm.write_bytes(os.urandom(1 << 20) * 32)  # 32 MiB of the tmpfs, not sparse
        vartmp.mkdir()
        os.chown(vartmp, uid, uid)
        segment = _libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)
        assert segment >= 0
        key = _plant_key(uid)
        found = "\n".join(host_leftovers.leftovers(before, {uid}, tmp_path, slack=8 << 20,
                                                   settle=0))
        assert f"{shm} (uid 0), new since the session started" in found, found
        assert f"{vartmp} (uid {uid})" in found, found
        assert f"host SysV shm id {segment} " in found, found
        assert f"key of uid {uid}: user sockgrade-probe" in found, found
        shm_dev = os.stat("/dev/shm").st_dev
        assert f"less free disk space on device {shm_dev} " in found, found
    finally:
        shm.unlink(missing_ok=True)
        if vartmp.exists():
            vartmp.rmdir()
        if segment >= 0:
            _libc.shmctl(segment, IPC_RMID, None)
        if key > 0:
            _libc.syscall(KEYCTL, KEYCTL_INVALIDATE, key)
    after = "\n".join(host_leftovers.leftovers(before, {uid}, tmp_path, slack=8 << 20))
    for planted in (str(shm), str(vartmp), f"shm id {segment} ", "sockgrade-probe",
                    f"device {os.stat('/dev/shm').st_dev} "):
        assert planted not in after, after
