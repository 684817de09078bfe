"""Proving that a running process loops for ever: state repetition under ptrace.

A single-threaded process with no signal handlers, nothing pending and no shared memory
is stopped at a read()/recvfrom() on a TCP socket at end of file (it returns 0). Its
registers, extended (FP/vector) state and every writable private mapping are taken at
that call's entry; then it is stepped one instruction at a time, refusing anything that
reads a hidden input (rdtsc, rdrand, cpuid, the vDSO's clock, another system call), up
to its next system call. When that is the same call with the same registers and the same
memory, the next round is the same again, and so on: the loop never ends (until a
signal: the CPU limit's, read here as `cpu_left`, or the harness's own).

Rules this module keeps:
- Run in a process of its own (`python -I -S looptrace.py PID`, or `--serve` for many:
  the standard library only, so that it starts fast; JSON on stdout): the traced
  program is the harness's child, and the harness's threads wait for it; a tracer that
  is not the parent keeps their waits apart from its stops.
- Tracing must not change what the program sees: a call the first stop ended with EINTR
  is restarted, as the kernel restarts the others, and a program left at a call's
  entry makes that call again after it is detached (`Tracee.call_again`).
- x86_64 only; anything odd is "unknown" with a reason, never a proof.
- The tracee is always detached, a signal that arrived meanwhile passed on to it; one
  killed while traced is reaped here (its parent cannot reap it before the tracer).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import platform
import signal
import sys
import time

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]

_SINGLESTEP, _GETREGS, _SETREGS, _DETACH, _SYSCALL = 9, 12, 13, 17, 24
_SEIZE, _INTERRUPT, _GETREGSET, _GET_SYSCALL_INFO = 0x4206, 0x4207, 0x4204, 0x420E
_O_TRACESYSGOOD = 1
_NT_PRFPREG, _NT_X86_XSTATE = 2, 0x202
_WALL = 0x40000000
_EVENT_STOP = 128
_READ, _RECVFROM = 0, 45
# TCP states after the peer's FIN (CLOSE_WAIT, LAST_ACK, CLOSING; CLOSE after a reset):
# nothing can arrive any more (after the program's own shutdown(SHUT_RD), which also
# makes read() return 0, data still can)
_PEER_FINISHED = (8, 9, 11, 7)
# user_regs_struct: indexes of rax, orig_rax and rip, the number of registers
_RAX, _ORIG_RAX, _RIP, _NREGS = 10, 15, 16, 27
_EINTR, _ERESTARTNOINTR = -4, -513  # what a call returns; what makes the kernel restart it
_GETPID = 39  # a call that changes nothing
_MASK = (1 << 64) - 1
MACHINE = "x86_64"  # the only one it can trace (`platform.machine()`'s name)
MEMORY_CAP = 64 << 20
MAX_STEPS = 20000
ROUNDS = 4  # pairs of calls tried
BUDGET = 0.5  # seconds
OUT_OF_TIME, CHANGED = "out of time", "registers or memory changed between two calls"
TRANSIENT = (OUT_OF_TIME, CHANGED)  # reasons another try may not have (the load's)


class Unknown(Exception):
    """The proof cannot be made; the message says why."""


def _ptrace(request: int, pid: int, addr: int = 0, data: int | ctypes.c_void_p = 0) -> int:
    ctypes.set_errno(0)
    got = _libc.ptrace(request, pid, ctypes.c_void_p(addr),
                       data if isinstance(data, ctypes.c_void_p) else ctypes.c_void_p(data))
    err = ctypes.get_errno()
    if got == -1 and err:
        raise Unknown(f"ptrace({request:#x}): {os.strerror(err)}")
    return int(got)


class Tracee:
    def __init__(self, pid: int, deadline: float) -> None:
        self.pid = pid
        self.deadline = deadline
        self.pending = 0  # a signal to pass on when detaching
        self.at_entry = False  # stopped at a system call's entry
        self.maps: list[tuple[int, int, str, str]] = []

    def wait(self) -> int:
        """The stop's status; a signal-delivery stop or an exit ends the proof."""
        while True:
            got, status = os.waitpid(self.pid, _WALL)
            if got != self.pid:
                continue
            if not os.WIFSTOPPED(status):
                self.pid = 0
                raise Unknown("the process ended")
            sig = os.WSTOPSIG(status)
            event = status >> 16
            if sig == signal.SIGTRAP | 0x80 or sig == signal.SIGTRAP and event in (0, _EVENT_STOP):
                return status
            if event == _EVENT_STOP:
                raise Unknown("a group stop (SIGSTOP)")
            self.pending = sig
            raise Unknown(f"signal {sig} arrived")

    def regs(self) -> tuple[int, ...]:
        buf = (ctypes.c_ulonglong * _NREGS)()
        _ptrace(_GETREGS, self.pid, 0, ctypes.cast(buf, ctypes.c_void_p))
        return tuple(buf)

    def set_regs(self, regs: tuple[int, ...]) -> None:
        buf = (ctypes.c_ulonglong * _NREGS)(*regs)
        _ptrace(_SETREGS, self.pid, 0, ctypes.cast(buf, ctypes.c_void_p))

    def undo_eintr(self) -> None:
        """At the interrupt's stop: a call the interrupt ended with EINTR (epoll_wait,
        a recv with SO_RCVTIMEO: calls the kernel does not restart by itself) is made
        to restart, as if no one had stopped the process; then there is nothing to
        prove (it was waiting, not running)."""
        regs = list(self.regs())
        if regs[_ORIG_RAX] >> 63 == 0 and regs[_RAX] == _EINTR & _MASK:
            regs[_RAX] = _ERESTARTNOINTR & _MASK
            self.set_regs(tuple(regs))
            raise Unknown("it was waiting in a system call")

    def xstate(self) -> bytes:
        for note in (_NT_X86_XSTATE, _NT_PRFPREG):
            buf = ctypes.create_string_buffer(1 << 16)
            iov = (ctypes.c_void_p * 2)(ctypes.cast(buf, ctypes.c_void_p), len(buf))
            try:
                _ptrace(_GETREGSET, self.pid, note, ctypes.cast(iov, ctypes.c_void_p))
            except Unknown:
                continue
            return buf.raw[:iov[1] or 0]
        raise Unknown("cannot read the FP/vector registers")

    def syscall_info(self) -> tuple[int, int, tuple[int, ...]]:
        """(op: 1 entry, 2 exit, instruction pointer, (nr, args...) or (rval, is_error))."""
        buf = (ctypes.c_ulonglong * 16)()
        _ptrace(_GET_SYSCALL_INFO, self.pid, ctypes.sizeof(buf), ctypes.cast(buf, ctypes.c_void_p))
        op = buf[0] & 0xFF
        if op == 1:
            return op, buf[1], tuple(buf[3:10])
        if op == 2:
            rval = ctypes.c_longlong(buf[3]).value
            return op, buf[1], (rval, buf[4] & 0xFF)
        return op, buf[1], ()

    def resume(self, request: int) -> None:
        self.at_entry = False
        _ptrace(request, self.pid)
        self.wait()

    def until_entry(self) -> tuple[int, tuple[int, ...]]:
        for _ in range(4):
            self.resume(_SYSCALL)
            op, ip, info = self.syscall_info()
            if op == 1:
                self.at_entry = True
                return ip, info
        raise Unknown("no system call entry")

    def call_again(self) -> None:
        """Before leaving it at a call's entry: make that call getpid() instead, and at
        its exit step back onto the `syscall` instruction with the call's number, so
        that it makes the call again once detached. Leaving sets its signal-pending
        flag, and a call entered with that flag set fails at once: epoll_wait() with
        EINTR, which the program would take for an error. (Not skipped with number -1:
        the harness's seccomp filter would take that for a call of another ABI.)"""
        regs = list(self.regs())
        rip, nr = regs[_RIP] - 2, regs[_ORIG_RAX]
        with open(f"/proc/{self.pid}/mem", "rb", buffering=0) as mem:
            mem.seek(rip)
            if mem.read(2) != b"\x0f\x05":
                return  # not a `syscall` instruction: nothing safe to do
        regs[_ORIG_RAX] = _GETPID
        self.set_regs(tuple(regs))
        try:
            self.resume(_SYSCALL)  # getpid's exit, or a stop after it
        finally:
            if self.pid:
                regs = list(self.regs())
                regs[_RAX], regs[_RIP] = nr, rip
                self.set_regs(tuple(regs))

    def let_go(self) -> None:
        """Detach it, passing on a signal that arrived. It is stopped here unless it was
        killed (a kill ends any stop): then it cannot be detached, and its exit is ours
        to reap first (its parent cannot reap the zombie until we have)."""
        while self.pid:
            try:
                _ptrace(_DETACH, self.pid, 0, self.pending)
                return
            except Unknown:
                pass
            try:
                self.wait()  # its exit (reaped: pid 0), or a stop it can be detached at
            except ChildProcessError:
                return  # no longer ours
            except Unknown:
                pass  # it ended, or a signal came that detaching passes on

    def memory(self) -> dict[tuple[int, int], bytes]:
        out: dict[tuple[int, int], bytes] = {}
        total = 0
        with open(f"/proc/{self.pid}/mem", "rb", buffering=0) as mem:
            for lo, hi, perms, _name in self.maps:
                if "w" not in perms:
                    continue
                total += hi - lo
                if total > MEMORY_CAP:
                    raise Unknown("too much writable memory to compare")
                try:
                    mem.seek(lo)
                    data = mem.read(hi - lo)
                except OSError as e:
                    raise Unknown(f"cannot read memory at {lo:#x}: {e.strerror}") from e
                out[(lo, hi)] = hashlib.sha256(data).digest()
        return out

    def code(self, rip: int) -> bytes:
        for lo, hi, perms, name in self.maps:
            if lo <= rip < hi:
                if "x" not in perms or name.startswith("["):
                    raise Unknown(f"runs code in {name or perms} at {rip:#x}")
                with open(f"/proc/{self.pid}/mem", "rb", buffering=0) as mem:
                    mem.seek(rip)
                    return mem.read(min(16, hi - rip))
        raise Unknown(f"runs code outside its mappings at {rip:#x}")


def _maps(pid: int) -> list[tuple[int, int, str, str]]:
    out = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split(maxsplit=5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            perms = parts[1]
            if "s" in perms:
                raise Unknown("it has shared memory")
            out.append((lo, hi, perms, parts[5].strip() if len(parts) > 5 else ""))
    return out


_PREFIXES = {0x66, 0x67, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0xF0}


def hidden_input(code: bytes) -> str:
    """What the instruction reads that is not in the registers or memory ('' nothing),
    or 'syscall' for a system call."""
    i = 0
    while i < len(code) and (code[i] in _PREFIXES or 0x40 <= code[i] <= 0x4F):
        i += 1
    op = code[i:i + 3]
    if op[:2] == b"\x0f\x05":
        return "syscall"
    if op[:2] in (b"\x0f\x31", b"\x0f\x33") or op == b"\x0f\x01\xf9":
        return "rdtsc"
    if op[:2] == b"\x0f\xc7" and len(op) == 3 and (op[2] >> 3) & 7 in (6, 7):
        return "rdrand"
    if op[:2] == b"\x0f\xa2":  # its APIC id is the CPU's: it changes when the kernel
        return "cpuid"  # moves the process
    if op[:2] in (b"\xcd\x80", b"\x0f\x34", b"\xc7\xf8"):
        return "int80/sysenter/xbegin"
    if len(op) < 2:
        return "cannot read the instruction"
    return ""


def _socket_inode(pid: int, fd: int) -> int:
    link = os.readlink(f"/proc/{pid}/fd/{fd}")
    if not link.startswith("socket:["):
        raise Unknown(f"descriptor {fd} is not a socket")
    inode = int(link[8:-1])
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                next(f)
                row = next((r for r in map(str.split, f) if r[9] == str(inode)), None)
            if row is None:
                continue
            if int(row[3], 16) not in _PEER_FINISHED:
                raise Unknown(f"descriptor {fd}'s peer has not closed it (state {row[3]})")
            return inode
        except OSError:
            continue
    raise Unknown(f"descriptor {fd} is not a TCP socket")


def cpu_left(pid: int) -> float:
    """CPU seconds before RLIMIT_CPU's soft limit ends the process (inf: none)."""
    with open(f"/proc/{pid}/limits") as f:
        line = next(x for x in f if x.startswith("Max cpu time"))
    soft = line[len("Max cpu time"):].split()[0]
    if soft == "unlimited":
        return float("inf")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return max(0.0, int(soft) - used)


def _refuse(pid: int) -> None:
    if platform.machine() != MACHINE:
        raise Unknown("not an x86_64 machine")
    if len(os.listdir(f"/proc/{pid}/task")) != 1:
        raise Unknown("more than one thread")
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    for key in ("SigCgt", "SigPnd", "ShdPnd"):
        if int(status[key].strip(), 16):
            raise Unknown(f"{key} is not empty")


def prove(pid: int) -> dict[str, object]:
    deadline = time.monotonic() + BUDGET
    _refuse(pid)
    t = Tracee(pid, deadline)
    _ptrace(_SEIZE, pid, 0, _O_TRACESYSGOOD)
    try:
        _ptrace(_INTERRUPT, pid)
        t.wait()
        # from this stop on, all it does is seen here: it affects nothing outside itself
        # without a system call, and its first is where the proof starts
        entered = time.monotonic()
        t.undo_eintr()
        return {**_trace(t), "entered": entered}
    finally:
        if t.pid:
            with contextlib.suppress(Unknown, OSError):
                if t.at_entry:
                    t.call_again()
            t.let_go()


def _trace(t: Tracee) -> dict[str, object]:
    """Up to ROUNDS rounds of the loop, until two calls in a row see the same state (a
    round may differ where the kernel wrote the process's memory on its own: rseq's CPU
    number after a migration, so another pair is tried)."""
    ip, entry = t.until_entry()
    nr, fd = entry[0], entry[1]
    if nr not in (_READ, _RECVFROM) or entry[3] == 0:
        raise Unknown(f"its next system call is {nr}, not read() or recvfrom()")
    inode = _socket_inode(t.pid, fd)
    _round(t, ip, entry, step=False)  # cheap first: the same call next, or no loop at all
    t.maps = _maps(t.pid)
    state = (t.regs(), t.xstate(), t.memory())
    for _ in range(ROUNDS):
        _round(t, ip, entry)
        again = (t.regs(), t.xstate(), t.memory())
        if again == state:
            call = "read" if nr == _READ else "recvfrom"
            return {"endless": True, "call": call, "fd": fd, "inode": inode,
                    "cpu_left": cpu_left(t.pid)}
        state = again
    raise Unknown(CHANGED)


def _round(t: Tracee, ip: int, entry: tuple[int, ...], step: bool = True) -> None:
    """From the call's entry to the next entry of the same call, which it must return
    0 from, stepping through every instruction between them (`step`; else only
    running to the next call: a program that does something else next costs one stop,
    not thousands of steps)."""
    t.resume(_SYSCALL)
    op, _ip, result = t.syscall_info()
    if op != 2 or result != (0, 0):
        raise Unknown(f"the call returned {result[:1]}, not 0")
    if not step:
        if t.until_entry() != (ip, entry):
            raise Unknown("the next system call is another one")
        return
    for _ in range(MAX_STEPS):
        if time.monotonic() > t.deadline:
            raise Unknown(OUT_OF_TIME)
        what = hidden_input(t.code(t.regs()[_RIP]))
        if what == "syscall":
            if t.until_entry() != (ip, entry):
                raise Unknown("the next system call is another one")
            return
        if what:
            raise Unknown(f"it runs {what}")
        t.resume(_SINGLESTEP)
    raise Unknown("too many instructions between two calls")


def answer(pid: str) -> dict[str, object]:
    try:
        return prove(int(pid))
    except (Unknown, OSError, ValueError, IndexError, KeyError, StopIteration) as e:
        return {"endless": False, "why": str(e) or type(e).__name__}


def main(argv: list[str]) -> int:
    """`PID`: one answer. `--serve`: a line "ID PID" in, a line of JSON with "id" out,
    until stdin ends (one tracer for a whole grading: no interpreter start per proof)."""
    if argv[:1] != ["--serve"]:
        print(json.dumps(answer(argv[0] if argv else "")))
        return 0
    for line in sys.stdin:
        ident, _, pid = line.strip().partition(" ")
        print(json.dumps({**answer(pid), "id": ident}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
