"""Steps that observe what a program did beside the conversation: packets on the wire,
its processes, System V IPC, epoll, socket states and options, files it wrote.

Rules this module keeps (as `steps`, whose table lists these too):
- One frozen model per step, every field described (the JSON Schema comes from them).
- No I/O happens here: the runner gives the steps meaning.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.spec.stepbase import (
    Flags,
    Regex,
    Seconds,
    StepArgs,
    one_of,
)


class PacketPattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sender: Literal["program", "harness"] | None = Field(
        None, alias="from", description="Who sent it."
    )
    flags: Flags | None = Field(None, description="All of these TCP flags set, e.g. 'F' or 'U'.")
    data: bool | None = Field(None, description="Carries payload (true) or none (false).")
    payload: str | None = Field(None, description="Exact payload text.")
    urg_ptr: int | None = Field(None, description="TCP urgent pointer value.")
    urgent_byte: str | None = Field(
        None, min_length=1, max_length=1,
        description="URG set and the urgent pointer points just past this byte.")


class PacketRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    some: PacketPattern | None = Field(None, description="At least one packet matches.")
    none: PacketPattern | None = Field(None, description="No packet matches.")
    order: list[PacketPattern] | None = Field(
        None, description="Packets matching these appear in this order."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> PacketRule:
        one_of(self, ("some", "none", "order"))
        return self


class ExpectPackets(StepArgs):
    """Check the packets captured so far on one connection."""

    conn: str
    rules: list[PacketRule] = Field(min_length=1)
    within: Seconds = Field(1.0, gt=0, description="How long to wait for the packets.")
    settle: Seconds = Field(
        0.3, ge=0, le=5,
        description="With `none` rules: also watch this long for a packet that must not come.")
    optional: bool = Field(False, description="Where no capture is possible, grade "
                           "without this check (else the behaviour is not gradable there).")


class Count(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _bounded(self) -> Count:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is more than max {self.max}")
        return self


class ExpectProcesses(StepArgs):
    """Check a program's process tree (polled until it holds or time runs out)."""

    shorthand: ClassVar[str | None] = "program"
    program: str
    zombies: Count | None = Field(None, description="Zombie children of the program.")
    children: Count | None = Field(None, description="Live child processes.")
    threads: Count | None = Field(None, description="Threads of the program's process.")
    within: Seconds = Field(2.0, gt=0)


class ExpectIpc(StepArgs):
    """Check the System V IPC objects an ended program left (no counts: none at all)."""

    shorthand: ClassVar[str | None] = "program"
    program: str
    shm: Count | None = Field(None, description="Shared memory segments.")
    sem: Count | None = Field(None, description="Semaphore sets.")
    msg: Count | None = Field(None, description="Message queues.")
    within: Seconds = Field(5.0, gt=0, description="How long to wait for the program to end.")
    optional: bool = Field(False, description="Where they cannot be counted, grade "
                           "without this check (else the behaviour is not gradable there).")


SocketOptionName = Literal["SO_SNDBUF", "SO_RCVBUF", "SO_TYPE", "SO_REUSEADDR",
                           "SO_KEEPALIVE", "TCP_NODELAY"]


class SocketOption(StepArgs):
    """Keep as `{var}` what the kernel reports for an option of a fresh sandbox socket."""

    var: str = Field(pattern=r"^\w+$", description="Variable name: later steps use {var}.")
    proto: Literal["tcp", "udp"] = "tcp"
    option: SocketOptionName
    set: int | None = Field(
        None, ge=0, description="setsockopt() this value first, as the program does (what "
        "the kernel then reports may differ: Linux doubles buffer sizes).")


class ExpectEpoll(StepArgs):
    """Check how a program's epoll instances watch its connections (/proc/PID/fdinfo)."""

    shorthand: ClassVar[str | None] = "program"
    program: str
    edge_triggered: bool = Field(
        True, description="Every connected socket it watches is registered with EPOLLET "
        "(true) or without it (false). Listening sockets are not counted.")
    within: Seconds = Field(2.0, gt=0)


class ExpectSockets(StepArgs):
    """Check the TCP states of sockets bound to a port (/proc/net/tcp of the sandbox)."""

    port: str | int = "{port}"
    state: Literal[
        "LISTEN", "ESTABLISHED", "TIME_WAIT", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT",
        "LAST_ACK", "CLOSING", "SYN_SENT", "SYN_RECV",
    ]
    present: bool = True
    within: Seconds = Field(2.0, gt=0)


class ExpectFile(StepArgs):
    """Check a file the program wrote in its working directory."""

    path: str
    text: str | None = None
    file: str | None = Field(None, description="Same bytes as this file under `files:`.")
    same_as: str | None = Field(None, description="Same bytes as this file of the submission.")
    size: int | None = Field(None, ge=0)
    pattern: Regex | None = Field(
        None, description="Python regex searched in the file's text (e.g. a log that must "
        "hold some lines, whatever else it holds).")
    within: Seconds = Field(2.0, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> ExpectFile:
        one_of(self, ("text", "file", "same_as", "size", "pattern"))
        return self
