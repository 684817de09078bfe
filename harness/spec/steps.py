"""The step vocabulary of a spec: one frozen model per step, kept in one table.

Rules this module keeps:
- A step is written `- NAME: ARGS`: a mapping with exactly one key. ARGS is a mapping of
  the step's fields, or a single scalar that fills the step's `shorthand` field
  (`- close: c1` means `- close: {conn: c1}`).
- Every field has a description: the JSON Schema (specs/schema.json) and the error
  messages come from these models, so they can never disagree with the parser.
- Durations are seconds; each has a default here, scaled at run time by --slow.
- No I/O happens here: the runner gives the steps meaning.
- The observation steps live in `observe_steps` (re-exported here, so `steps.X` names
  every step).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from harness.spec.observe_steps import (
    Count,
    ExpectEpoll,
    ExpectFile,
    ExpectIpc,
    ExpectPackets,
    ExpectProcesses,
    ExpectSockets,
    PacketPattern,
    PacketRule,
    SocketOption,
)
from harness.spec.stepbase import (
    Hex,
    Regex,
    Seconds,
    SignalName,
    StepArgs,
    one_of,
)

# ---- student programs -------------------------------------------------------------


class Start(StepArgs):
    """Start a student program (declared under `programs:`)."""

    shorthand: ClassVar[str | None] = "program"
    program: str = Field(description="Program name from `programs:`.")
    name: str | None = Field(None, description="Instance name, when one program runs twice.")
    args: list[str] | None = Field(None, description="Overrides the program's args.")
    within: Seconds = Field(5.0, gt=0, description="How long it may take to become ready.")


class Stop(StepArgs):
    """Stop a running program: the signal, then SIGKILL if it has not exited in time."""

    shorthand: ClassVar[str | None] = "program"
    program: str
    signal: SignalName = Field("SIGTERM", description="Signal to send first.")
    within: Seconds = Field(2.0, gt=0)


class Signal(StepArgs):
    """Send a signal to a running program (e.g. SIGSTOP, SIGCONT, SIGINT)."""

    program: str
    signal: SignalName


class SendLine(StepArgs):
    """Type a line on the program's standard input (a newline is added)."""

    program: str
    text: str


class SendEof(StepArgs):
    """Close the program's standard input (Ctrl-D on its terminal)."""

    shorthand: ClassVar[str | None] = "program"
    program: str


class ExpectOutput(StepArgs):
    """Wait for the program to print a value matching a regex (any case unless `exact`)."""

    program: str
    pattern: Regex = Field(description="Python regex, searched in output not yet matched.")
    label: list[str] | None = Field(
        None, min_length=1, description="Words of which one must be on the value's line, "
        "matched loosely (any case, a typo, more words; list Korean words too).")
    exact: bool = Field(False, description="Match case and all: the text is the assignment.")
    stream: Literal["stdout", "stderr"] = "stdout"
    within: Seconds = Field(3.0, gt=0)
    absent: bool = Field(False, description="Pass only if it is NOT printed within `within`.")
    anywhere: bool = Field(
        False, description="Search everything printed so far, not only what follows the "
        "last match, and leave the mark where it is: for lines whose order is not fixed, "
        "such as a parent's and its child's.")


class ExpectExit(StepArgs):
    """Wait for the program to exit, then check how."""

    program: str
    within: Seconds = Field(3.0, gt=0)
    code: int | None = Field(None, description="Required exit code.")
    signal: SignalName | None = Field(None, description="Required terminating signal.")
    running: bool = Field(False, description="Pass only if it is still running after `within`.")


# ---- harness peers ----------------------------------------------------------------


class Connect(StepArgs):
    """Open a connection from the harness to a program (TCP) or a UDP socket aimed at it."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str = Field(description="Name for this connection in later steps.")
    proto: Literal["tcp", "udp"] = "tcp"
    host: str = "{host}"
    port: str | int = "{port}"
    within: Seconds = Field(3.0, gt=0)
    refused: bool = Field(False, description="Pass only if the connection is refused.")
    oobinline: bool = Field(False, description="SO_OOBINLINE: urgent bytes stay in the stream.")
    no_acks_for: Seconds | None = Field(
        None, gt=0, le=5, description="TCP: for this long after connecting, the harness "
        "acknowledges nothing the program sends (as over a slow link; TCP retransmits it "
        "later), so unacknowledged data is in flight: where Nagle's algorithm holds back "
        "small writes and TCP_NODELAY does not.")


class Listen(StepArgs):
    """Open a harness server socket that a student client will connect to."""

    shorthand: ClassVar[str | None] = "listener"
    listener: str
    proto: Literal["tcp", "udp"] = "tcp"
    port: str | int = "{port}"
    oobinline: bool = Field(False, description="SO_OOBINLINE on accepted connections.")
    group: str | None = Field(
        None, description="UDP: join this multicast group (IP_ADD_MEMBERSHIP), as the "
        "group's receivers do.")


class Accept(StepArgs):
    """Accept one connection on a harness listener."""

    listener: str
    conn: str
    within: Seconds = Field(5.0, gt=0)


class Send(StepArgs):
    """Send bytes on a connection: exactly one of text, line, hex, random, file."""

    conn: str
    text: str | None = None
    line: str | None = Field(None, description="Text with a newline added.")
    hex: Hex | None = Field(None, description="Bytes in hex, spaces allowed: '00 ff 41'.")
    random: int | None = Field(None, gt=0, description="This many pseudo-random bytes.")
    seed: int = Field(0, description="Seed of the random bytes, so every run is alike.")
    file: str | None = Field(None, description="The contents of a file named under `files:`.")
    chunk: int | None = Field(None, gt=0, description="Send in writes of this many bytes.")
    pause: Seconds = Field(0.0, ge=0, description="Pause between chunks.")
    urgent: bool = Field(False, description="Send with MSG_OOB (TCP urgent data).")
    foreign: bool = Field(
        False, description="UDP: send from another port of the harness, a foreign address "
        "to the program (a connected UDP socket must not deliver it).")
    within: Seconds = Field(10.0, gt=0, description="How long sending may take in all.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Send:
        one_of(self, ("text", "line", "hex", "random", "file"))
        return self


class Shutdown(StepArgs):
    """Half-close: shutdown(SHUT_WR). The program sees EOF; replies still arrive."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str


class Close(StepArgs):
    """Close a connection normally (FIN)."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str


class Abort(StepArgs):
    """Abort a connection with RST (SO_LINGER 0, then close)."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str


class Idle(StepArgs):
    """Do nothing for a while (a pause the behaviour itself requires)."""

    shorthand: ClassVar[str | None] = "seconds"
    seconds: Seconds = Field(gt=0, le=60)


# ---- expectations on the conversation ---------------------------------------------


class ExpectEcho(StepArgs):
    """Receive until everything sent on the connection since the last echo check is back."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str
    within: Seconds = Field(3.0, gt=0)


class ExpectData(StepArgs):
    """Receive until the data matches: exactly one of text, hex, pattern, size, file."""

    conn: str
    text: str | None = None
    hex: Hex | None = None
    file: str | None = Field(None, description="The contents of a file named under `files:`.")
    pattern: Regex | None = Field(None, description="Python regex over the received text.")
    size: int | None = Field(None, ge=0, description="At least this many bytes.")
    within: Seconds = Field(3.0, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> ExpectData:
        one_of(self, ("text", "hex", "pattern", "size", "file"))
        return self


class ExpectEof(StepArgs):
    """The program closes its side: EOF arrives on the connection."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str
    within: Seconds = Field(3.0, gt=0)


class ExpectNoEof(StepArgs):
    """The connection stays open for a while (no FIN, no RST)."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str
    seconds: Seconds = Field(0.5, gt=0)


class ExpectNothing(StepArgs):
    """No data arrives on the connection for a while."""

    shorthand: ClassVar[str | None] = "conn"
    conn: str
    seconds: Seconds = Field(0.5, gt=0)


class ExpectDatagram(StepArgs):
    """UDP: take the next datagram and check it whole (one of text, hex, pattern)."""

    conn: str
    text: str | None = None
    hex: Hex | None = None
    pattern: Regex | None = Field(None, description="Python regex the whole datagram matches.")
    within: Seconds = Field(3.0, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> ExpectDatagram:
        one_of(self, ("text", "hex", "pattern"))
        return self


class Repeat(StepArgs):
    """Run the nested steps several times; `{i}` in them counts from 1."""

    times: int = Field(gt=0, le=100)
    steps: list[Any] = Field(min_length=1)


STEPS: dict[str, type[StepArgs]] = {
    "start": Start,
    "stop": Stop,
    "signal": Signal,
    "sendline": SendLine,
    "sendeof": SendEof,
    "expect_output": ExpectOutput,
    "expect_exit": ExpectExit,
    "connect": Connect,
    "listen": Listen,
    "accept": Accept,
    "send": Send,
    "shutdown": Shutdown,
    "close": Close,
    "abort": Abort,
    "idle": Idle,
    "expect_echo": ExpectEcho,
    "expect_data": ExpectData,
    "expect_eof": ExpectEof,
    "expect_no_eof": ExpectNoEof,
    "expect_nothing": ExpectNothing,
    "expect_datagram": ExpectDatagram,
    "expect_packets": ExpectPackets,
    "expect_processes": ExpectProcesses,
    "expect_ipc": ExpectIpc,
    "expect_epoll": ExpectEpoll,
    "expect_sockets": ExpectSockets,
    "socket_option": SocketOption,
    "expect_file": ExpectFile,
    "repeat": Repeat,
}

__all__ = [
    "STEPS",
    "Count",
    "ExpectEpoll",
    "ExpectFile",
    "ExpectIpc",
    "ExpectPackets",
    "ExpectProcesses",
    "ExpectSockets",
    "PacketPattern",
    "PacketRule",
    "SocketOption",
]
