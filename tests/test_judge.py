"""harness.judge: verdicts from made-up observations (no sockets, no processes)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from harness.judge import ipc as judge_ipc
from harness.judge import packets, stream
from harness.judge.stream import Output, Received
from harness.spec import steps
from harness.transcript import Check, Frame

HARNESS_PORT = 40000  # the harness's own (ephemeral) end of the connection
PROGRAM_PORT = 9190


def got(data: bytes = b"", *, eof: bool = False, reset: bool = False,
        seconds: float = 3.0) -> Received:
    return Received("c1", data, eof, reset, seconds)


def assert_failed(check: Check, *words: str) -> None:
    assert not check.passed, check
    text = f"{check.expected} | {check.actual}"
    for w in words:
        assert w in text, (w, check)


ECHO = steps.ExpectEcho(conn="c1")
EOF_ARGS = steps.ExpectEof(conn="c1")


# ---- compare_bytes -----------------------------------------------------------------


def test_compare_equal_bytes_passes() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hello\n", got(b"hello\n"), ECHO)
    assert check.passed
    assert check.line == 7
    assert check.step == "expect_echo"
    assert check.description == "echo on c1 (6 bytes)"
    assert (check.expected, check.actual, check.hint) == ("", "", "")


def test_compare_short_prefix_says_how_much_came_back() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hello world", got(b"hell"), ECHO)
    assert_failed(check, "only the first 4 of 11 bytes came back within 3 s")
    assert check.expected == "'hello world'"
    assert "differ" not in check.actual


def test_compare_nothing_came_back() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hi", got(b"", seconds=2.5), ECHO)
    assert_failed(check, "nothing came back within 2.5 s")
    assert "EOF" not in check.actual and "RST" not in check.actual


def test_compare_nothing_then_eof() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hi", got(eof=True), ECHO)
    assert_failed(check, "nothing came back", "closed the connection (EOF)")


def test_compare_prefix_then_reset() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hello", got(b"he", reset=True), ECHO)
    assert_failed(check, "only the first 2 of 5 bytes", "reset (RST)")


def test_compare_differing_byte_names_the_offset() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hello", got(b"hexlo"), ECHO)
    assert_failed(check, "from byte 2", "68 65 78 6c 6f", "'hexlo'")
    assert "at byte 2: 68 65 6c 6c 6f" in check.expected


def test_compare_differing_binary_bytes() -> None:
    want = bytes(range(40))
    data = want[:30] + b"\xff" + want[31:]
    check = stream.compare_bytes(7, "expect_echo", "echo", want, got(data, eof=True), ECHO)
    assert_failed(check, "differ from byte 30", "ff", "(EOF)")
    assert check.expected.startswith("hex 00 01 02")


def test_compare_extra_bytes_fail_at_the_end_of_the_expected_data() -> None:
    check = stream.compare_bytes(7, "expect_echo", "echo", b"hello", got(b"hello!!"), ECHO)
    assert_failed(check, "from byte 5")


def test_compare_carries_the_spec_hint_on_failure_only() -> None:
    args = steps.ExpectEcho(conn="c1", hint="Loop until read() returns 0.")
    failed = stream.compare_bytes(7, "expect_echo", "echo", b"ab", got(b"a"), args)
    passed = stream.compare_bytes(7, "expect_echo", "echo", b"ab", got(b"ab"), args)
    assert failed.hint == "Loop until read() returns 0."
    assert passed.passed and passed.hint == ""


# ---- eof / no_eof / nothing --------------------------------------------------------


def test_eof_passes_on_eof() -> None:
    check = stream.eof(3, EOF_ARGS, got(eof=True))
    assert check.passed
    assert check.step == "expect_eof"


def test_eof_fails_on_reset_naming_rst() -> None:
    assert_failed(stream.eof(3, EOF_ARGS, got(reset=True)), "RST", "orderly close (FIN)")


def test_eof_fails_when_the_connection_stays_open() -> None:
    check = stream.eof(3, EOF_ARGS, got(seconds=3))
    assert_failed(check, "still open after 3 s", "never closed")
    assert "it sent" not in check.actual


def test_eof_failure_shows_what_was_sent_instead() -> None:
    assert_failed(stream.eof(3, EOF_ARGS, got(b"bye\n")), "never closed", "it sent 'bye\\n'")


def test_no_eof_passes_while_open() -> None:
    args = steps.ExpectNoEof(conn="c1")
    check = stream.no_eof(3, args, got(b"data", seconds=0.2), 0.5)
    assert check.passed
    # the time asked for, not the time waited (a failure can end the wait early)
    assert check.description == "the connection c1 stays open for 0.5 s"


@pytest.mark.parametrize(
    ("eof", "reset", "how"), [(True, False, "closed (EOF)"), (False, True, "reset (RST)")]
)
def test_no_eof_fails_when_closed(eof: bool, reset: bool, how: str) -> None:
    check = stream.no_eof(3, steps.ExpectNoEof(conn="c1"), got(eof=eof, reset=reset), 0.5)
    assert_failed(check, f"the program {how} the connection")


def test_nothing_passes_without_data_even_after_eof() -> None:
    assert stream.nothing(3, steps.ExpectNothing(conn="c1"), got(eof=True), 0.5).passed


def test_nothing_fails_on_data() -> None:
    check = stream.nothing(3, steps.ExpectNothing(conn="c1"), got(b"surprise"), 0.5)
    assert_failed(check, "got 'surprise'")
    assert check.expected == "nothing"


# ---- expect_data -------------------------------------------------------------------


def expect_data(**kw: Any) -> steps.ExpectData:
    return steps.ExpectData(conn="c1", **kw)


def test_data_ok_for_text_waits_for_enough_bytes() -> None:
    args = expect_data(text="héllo")  # 6 bytes in UTF-8
    assert not stream.data_ok(args, b"h\xc3\xa9ll")
    assert stream.data_ok(args, b"h\xc3\xa9llo")


def test_data_ok_for_exact_bytes_once_one_differs() -> None:
    """A wrong byte is final on a stream: no need to wait for the rest."""
    assert stream.data_ok(expect_data(text="hello"), b"hx")
    assert stream.data_ok(expect_data(hex="00 ff 41"), b"\x01")
    assert not stream.data_ok(expect_data(text="hello"), b"hel")  # right so far: wait


def test_data_text_match_and_mismatch() -> None:
    args = expect_data(text="OK\n")
    assert stream.data(5, args, got(b"OK\n")).passed
    assert_failed(stream.data(5, args, got(b"NO\n")), "from byte 0")


def test_data_hex() -> None:
    args = expect_data(hex="00 ff 41")
    assert stream.data_ok(args, b"\x00\xff\x41")
    assert not stream.data_ok(args, b"\x00\xff")
    assert stream.data(5, args, got(b"\x00\xffA")).passed
    assert_failed(stream.data(5, args, got(b"\x00\xfe\x41")), "from byte 1")


def test_data_pattern() -> None:
    args = expect_data(pattern=r"HTTP/1\.[01] 200")
    assert not stream.data_ok(args, b"HTTP/1.1 40")
    assert stream.data_ok(args, b"HTTP/1.1 200 OK\r\n")
    check = stream.data(5, args, got(b"HTTP/1.1 404 Not Found", eof=True))
    assert_failed(check, r"/HTTP/1\.[01] 200/", "got 'HTTP/1.1 404 Not Found'", "(EOF)")
    assert check.description == r"data matching /HTTP/1\.[01] 200/ on c1"


def test_data_pattern_tolerates_invalid_utf8() -> None:
    assert stream.data_ok(expect_data(pattern="ok"), b"\xff\xfeok")


def test_data_size() -> None:
    args = expect_data(size=4)
    assert stream.data(5, args, got(b"1234")).passed
    assert stream.data(5, args, got(b"12345")).passed  # at least
    check = stream.data(5, args, got(b"12", seconds=1))
    assert_failed(check, "4 bytes", "got '12' within 1 s")
    assert check.description == "at least 4 bytes on c1"


# ---- program output and exit -------------------------------------------------------


def out(matched: str | None, seen: bytes = b"", exit: str | None = None,
        stream: str = "stdout") -> Output:
    return Output("server", stream, matched, seen, exit, 3.0)


OUT_ARGS = steps.ExpectOutput(program="server", pattern="listening")


def test_output_matched_passes() -> None:
    check = stream.output(4, OUT_ARGS, "listening", False, out("listening"))
    assert check.passed
    assert check.description == "server prints /listening/ on stdout"


def test_output_absent_passes_when_not_printed() -> None:
    check = stream.output(4, OUT_ARGS, "error", True, out(None, b"fine"))
    assert check.passed
    assert check.description == "server does not print /error/"


def test_output_absent_fails_when_printed() -> None:
    assert_failed(stream.output(4, OUT_ARGS, "error", True, out("error 42")),
                  "no such output", "it printed 'error 42'")


def test_output_not_matched_while_running_hints_at_stdout_buffering() -> None:
    check = stream.output(4, OUT_ARGS, "listening", False, out(None, b"starting\n"))
    assert_failed(check, "output matching /listening/",
                  "after 3 s it had printed 'starting\\n'", "fflush(stdout)")
    nothing = stream.output(4, OUT_ARGS, "listening", False, out(None, b""))
    assert_failed(nothing, "(nothing)", "fflush(stdout)")


@pytest.mark.parametrize(("seen", "label", "why"), [
    (b"starting", None, "an unfinished line came out: the program flushes its stdout"),
    (b"Enter: 3 + 4 = ", None, "a prompt it flushed (or fgets() flushed for it)"),
    (b"Result: 8\n", ["result"], "the labelled line came: its value is wrong"),
    (b"RESLUT 8\n", ["result"], "the label is matched as the grading matches it"),
])
def test_no_buffer_hint_when_the_output_shows_it_is_not_buffering(
        seen: bytes, label: list[str] | None, why: str) -> None:
    check = stream.output(4, OUT_ARGS, "(?<!\\d)7(?!\\d)", False, out(None, seen), label)
    assert not check.passed
    assert "fflush" not in check.actual, why
    without = stream.output(4, OUT_ARGS, "(?<!\\d)7(?!\\d)", False, out(None, b"hi\n"), label)
    assert "fflush(stdout)" in without.actual  # the hint itself is still given where it fits


def test_an_excerpt_after_an_earlier_match_says_so() -> None:
    got = Output("server", "stdout", None, b" 1\nbye\n", None, 3.0, after="Connected client")
    check = stream.output(4, OUT_ARGS, "listening", False, got)
    assert_failed(check, "after 3 s it had printed ' 1\\nbye\\n' (only what came after "
                  "'Connected client', which an earlier step matched)")
    first = stream.output(4, OUT_ARGS, "listening", False, out(None, b"bye\n"))
    assert "earlier step" not in first.actual  # from the start: nothing to say


def test_an_excerpt_after_an_earlier_match_says_so_in_korean() -> None:
    from harness import i18n
    i18n.use("ko")
    try:
        got = Output("server", "stdout", None, b"bye\n", None, 3.0, after="Connected")
        check = stream.output(4, OUT_ARGS, "listening", False, got)
    finally:
        i18n.use("en")
    assert "'Connected'" in check.actual and "앞 단계" in check.actual, check.actual
    assert "earlier step" not in check.actual


def test_output_not_matched_after_exit_shows_its_last_words_on_stderr() -> None:
    # a real gethostbyname with a hard-coded name printed nothing on stdout and its
    # error_handling() message on stderr: "printed (nothing)" alone hid the cause
    got = Output("server", "stdout", None, b"", "exited with code 1", 0.1,
                 stderr=b"gethostbyname... error\n")
    check = stream.output(4, OUT_ARGS, "listening", False, got)
    assert_failed(check, "(nothing); the program exited with code 1; "
                  "on stderr: 'gethostbyname... error'")
    still = Output("server", "stdout", None, b"", None, 3.0, stderr=b"warming up\n")
    assert "stderr" not in stream.output(4, OUT_ARGS, "listening", False, still).actual


def test_output_not_matched_after_exit_says_how_it_ended_without_buffer_hint() -> None:
    check = stream.output(4, OUT_ARGS, "listening", False,
                         out(None, b"usage: server <port>\n", exit="exited with code 1"))
    assert_failed(check, "'usage: server <port>\\n'", "; the program exited with code 1")
    assert "fflush" not in check.actual


def test_output_not_matched_on_stderr_has_no_buffer_hint() -> None:
    check = stream.output(4, OUT_ARGS, "bind", False, out(None, b"", stream="stderr"))
    assert_failed(check, "(nothing)")
    assert "fflush" not in check.actual


def exit_status(status: str | None, code: int | None = None, signal: str | None = None,
                want_code: int | None = None, want_signal: str | None = None,
                want_running: bool = False) -> Check:
    return stream.exit_status(9, steps.ExpectExit(program="client"), "client", status, code,
                             signal, want_code, want_signal, want_running, 2.0)


def test_exit_with_the_wanted_code_passes() -> None:
    check = exit_status("exited with code 0", code=0, want_code=0)
    assert check.passed
    assert check.description == "client exits with code 0"


def test_exit_with_another_code_fails() -> None:
    assert_failed(exit_status("exited with code 1", code=1, want_code=0),
                  "exits with code 0", "it exited with code 1")


def test_exit_any_code_passes_when_no_code_is_wanted() -> None:
    assert exit_status("exited with code 3", code=3).passed


def test_exit_still_running_fails() -> None:
    assert_failed(exit_status(None, want_code=0), "still running after 2 s")


def test_exit_by_the_wanted_signal() -> None:
    assert exit_status("killed by SIGTERM", signal="SIGTERM", want_signal="SIGTERM").passed
    assert_failed(exit_status("killed by SIGKILL", signal="SIGKILL", want_signal="SIGTERM"),
                  "killed by SIGTERM", "it was killed by SIGKILL")
    assert_failed(exit_status("exited with code 0", code=0, want_signal="SIGTERM"),
                  "it exited with code 0")


def test_exit_by_signal_description_is_grammatical() -> None:
    check = exit_status("killed by SIGTERM", signal="SIGTERM", want_signal="SIGTERM")
    assert check.description == "client is killed by SIGTERM"


def test_exit_keeps_running() -> None:
    assert exit_status(None, want_running=True).passed
    assert_failed(exit_status("killed by SIGSEGV", signal="SIGSEGV", want_running=True),
                  "still running", "it was killed by SIGSEGV")


# ---- packets -----------------------------------------------------------------------


def frame(t: float, flags: str, *, from_program: bool, payload: bytes = b"",
          urg_ptr: int = 0) -> Frame:
    ports = (PROGRAM_PORT, HARNESS_PORT) if from_program else (HARNESS_PORT, PROGRAM_PORT)
    src, dst = ("10.0.0.2", "10.0.0.1") if from_program else ("10.0.0.1", "10.0.0.2")
    return Frame(t, "tcp", src, ports[0], dst, ports[1], flags=flags, payload=payload,
                 urg_ptr=urg_ptr)


def packets_step(*rules: dict[str, Any]) -> steps.ExpectPackets:
    return steps.ExpectPackets.model_validate({"conn": "c1", "rules": list(rules)})


HANDSHAKE = [
    frame(0.000, "S", from_program=False),
    frame(0.001, "S.", from_program=True),
    frame(0.002, ".", from_program=False),
    frame(0.010, "P.", from_program=False, payload=b"hi\n"),
    frame(0.011, "P.", from_program=True, payload=b"hi\n"),
]
CLOSE_BY_HARNESS_FIRST = [
    frame(0.100, "F.", from_program=False),
    frame(0.101, "F.", from_program=True),
    frame(0.102, ".", from_program=False),
]
RESET_BY_PROGRAM = [frame(0.250, "R.", from_program=True)]


def test_frame_has_flags_with_dot_as_ack() -> None:
    f = frame(0, "F.", from_program=True)
    assert f.has("F") and f.has("FA") and f.has("A") and f.has(".")
    assert not f.has("R") and not f.has("FR")


def test_some_fin_from_program_passes() -> None:
    args = packets_step({"some": {"from": "program", "flags": "F"}})
    check = packets.packets(12, args, HANDSHAKE + CLOSE_BY_HARNESS_FIRST, HARNESS_PORT)
    assert check.passed
    assert check.description == "packets on c1: a packet FIN from the program"


def test_some_fin_from_program_fails_when_only_the_harness_sent_fin() -> None:
    args = packets_step({"some": {"from": "program", "flags": "F"}})
    frames = [*HANDSHAKE, CLOSE_BY_HARNESS_FIRST[0], *RESET_BY_PROGRAM]
    assert_failed(packets.packets(12, args, frames, HARNESS_PORT),
                  "no packet FIN from the program was captured")


def test_sender_is_decided_by_the_harness_port() -> None:
    fin = frame(0, "F.", from_program=True)
    by_program = steps.PacketPattern.model_validate({"from": "program", "flags": "F"})
    by_harness = steps.PacketPattern.model_validate({"from": "harness", "flags": "F"})
    assert packets.matches(by_program, fin, HARNESS_PORT)
    assert not packets.matches(by_harness, fin, HARNESS_PORT)
    # the same frame seen with the other port as the harness's
    assert packets.matches(by_harness, fin, PROGRAM_PORT)
    assert not packets.matches(by_program, fin, PROGRAM_PORT)


def test_none_rst_passes_without_reset() -> None:
    args = packets_step({"none": {"flags": "R"}})
    assert packets.packets(12, args, HANDSHAKE + CLOSE_BY_HARNESS_FIRST, HARNESS_PORT).passed


def test_none_rst_fails_naming_the_time_of_the_reset() -> None:
    args = packets_step({"none": {"flags": "R"}})
    check = packets.packets(12, args, HANDSHAKE + RESET_BY_PROGRAM, HARNESS_PORT)
    assert_failed(check, "no packet RST", "a packet RST was captured at 0.250 s")


def test_several_rules_report_every_failure() -> None:
    args = packets_step({"some": {"from": "program", "flags": "F"}}, {"none": {"flags": "R"}})
    check = packets.packets(12, args, HANDSHAKE + RESET_BY_PROGRAM, HARNESS_PORT)
    assert_failed(check, "no packet FIN from the program was captured",
                  "a packet RST was captured")
    assert packets.packet_failures(args, HANDSHAKE + RESET_BY_PROGRAM, HARNESS_PORT) == [
        "no packet FIN from the program was captured",
        "a packet RST was captured at 0.250 s",
    ]


ORDER = {"order": [{"from": "harness", "flags": "F"}, {"from": "program", "flags": "F"}]}


def test_a_wait_for_packets_is_decided_once_no_later_packet_can_change_the_failure() -> None:
    """`expect_packets` stops waiting once `decided`: frames only grow, so a forbidden
    packet captured fails the same however long it waits; a wanted packet still missing
    might yet come."""
    none_rst = packets_step({"none": {"flags": "R"}})
    reset = HANDSHAKE + RESET_BY_PROGRAM
    assert packets.decided(none_rst, reset, HARNESS_PORT)
    assert packets.decided(none_rst, HANDSHAKE, HARNESS_PORT)  # holds (settle watches on)
    some_fin = packets_step({"some": {"from": "program", "flags": "F"}})
    assert not packets.decided(some_fin, HANDSHAKE, HARNESS_PORT)  # the FIN may come
    assert packets.decided(some_fin, HANDSHAKE + CLOSE_BY_HARNESS_FIRST, HARNESS_PORT)
    # one rule failed for good, another still waiting for its packet: not decided
    both = packets_step({"some": {"from": "program", "flags": "F"}}, {"none": {"flags": "R"}})
    assert not packets.decided(both, reset, HARNESS_PORT)
    assert packets.decided(both, HANDSHAKE + CLOSE_BY_HARNESS_FIRST + RESET_BY_PROGRAM,
                           HARNESS_PORT)
    ordered = packets_step(ORDER, {"none": {"flags": "R"}})
    assert not packets.decided(ordered, reset, HARNESS_PORT)  # its FINs may still come
    assert packets.decided(ordered, reset + CLOSE_BY_HARNESS_FIRST, HARNESS_PORT)


def test_order_passes_when_packets_come_in_order() -> None:
    check = packets.packets(12, packets_step(ORDER), HANDSHAKE + CLOSE_BY_HARNESS_FIRST,
                            HARNESS_PORT)
    assert check.passed
    assert "in order: FIN from the harness, then FIN from the program" in check.description


def test_order_fails_when_packets_come_the_other_way_round() -> None:
    swapped = [CLOSE_BY_HARNESS_FIRST[1], CLOSE_BY_HARNESS_FIRST[0]]
    check = packets.packets(12, packets_step(ORDER), HANDSHAKE + swapped, HARNESS_PORT)
    assert_failed(check, "no packet FIN from the program after FIN from the harness")


def test_order_fails_on_the_first_missing_packet() -> None:
    check = packets.packets(12, packets_step(ORDER), HANDSHAKE, HARNESS_PORT)
    assert_failed(check, "no packet FIN from the harness was captured")
    assert " after " not in check.actual


def test_payload_and_data_patterns() -> None:
    args = packets_step({"some": {"from": "program", "data": True, "payload": "hi\n"}})
    assert packets.packets(12, args, HANDSHAKE, HARNESS_PORT).passed
    args = packets_step({"some": {"from": "program", "payload": "bye"}})
    assert_failed(packets.packets(12, args, HANDSHAKE, HARNESS_PORT),
                  "no packet carrying 'bye' from the program")
    no_data = packets_step({"none": {"from": "program", "data": False, "flags": "S"}})
    assert_failed(packets.packets(12, no_data, HANDSHAKE, HARNESS_PORT),
                  "a packet SYN without data from the program was captured at 0.001 s")


def test_urgent_pointer() -> None:
    urgent = frame(0.5, "PU.", from_program=False, payload=b"abc!", urg_ptr=4)
    args = packets_step({"some": {"from": "harness", "flags": "U", "urg_ptr": 4}})
    assert packets.packets(12, args, [*HANDSHAKE, urgent], HARNESS_PORT).passed
    wrong = packets_step({"some": {"flags": "U", "urg_ptr": 3}})
    assert_failed(packets.packets(12, wrong, [*HANDSHAKE, urgent], HARNESS_PORT),
                  "no packet URG urgent pointer 3 was captured")


def assert_unjudged(check: Check, missed: int) -> None:
    assert not check.passed and check.unjudged, check
    assert check.unjudged == f"the packet capture missed {missed} packets"
    assert check.actual == f"could not be judged: {check.unjudged}"


def test_a_capture_that_missed_packets_cannot_prove_a_packet_absent() -> None:
    """The flood attack: the RST was among the packets the capture lost."""
    none_rst = packets_step({"none": {"flags": "R"}})
    clean = HANDSHAKE + CLOSE_BY_HARNESS_FIRST
    assert packets.packets(12, none_rst, clean, HARNESS_PORT).passed
    assert_unjudged(packets.packets(12, none_rst, clean, HARNESS_PORT, missed=3595), 3595)
    # a reset that was captured is proof whatever else was lost: the student's failure
    seen = packets.packets(12, none_rst, HANDSHAKE + RESET_BY_PROGRAM, HARNESS_PORT, missed=7)
    assert_failed(seen, "no packet RST", "a packet RST was captured at 0.250 s")
    assert not seen.unjudged


def test_a_capture_that_missed_packets_still_proves_what_it_holds() -> None:
    some_fin = packets_step({"some": {"from": "program", "flags": "F"}})
    clean = HANDSHAKE + CLOSE_BY_HARNESS_FIRST
    assert packets.packets(12, some_fin, clean, HARNESS_PORT, missed=1).passed
    assert packets.packets(12, packets_step(ORDER), clean, HARNESS_PORT, missed=1).passed
    # what is not there may be among the lost: neither a pass nor a failure
    assert_unjudged(packets.packets(12, some_fin, HANDSHAKE, HARNESS_PORT, missed=1), 1)
    swapped = HANDSHAKE + [CLOSE_BY_HARNESS_FIRST[1], CLOSE_BY_HARNESS_FIRST[0]]
    assert_unjudged(packets.packets(12, packets_step(ORDER), swapped, HARNESS_PORT,
                                    missed=2), 2)
    # one rule proven, the other not: the check as a whole is not judged
    both = packets_step({"some": {"from": "program", "flags": "F"}}, {"none": {"flags": "R"}})
    assert_unjudged(packets.packets(12, both, clean, HARNESS_PORT, missed=4), 4)
    # a forbidden packet that was captured decides it even when another rule cannot
    worst = HANDSHAKE + RESET_BY_PROGRAM
    failed = packets.packets(12, both, worst, HARNESS_PORT, missed=4)
    assert not failed.passed and not failed.unjudged
    assert failed.actual == "a packet RST was captured at 0.250 s"


def test_describe_pattern() -> None:
    def describe(p: dict[str, Any]) -> str:
        return packets.describe_pattern(steps.PacketPattern.model_validate(p))

    assert describe({}) == "any packet"
    assert describe({"flags": "FA"}) == "FIN+ACK"
    assert describe({"from": "harness", "data": True}) == "with data from the harness"


# ---- processes, sockets, files -----------------------------------------------------


def procs_step(**kw: Any) -> steps.ExpectProcesses:
    return steps.ExpectProcesses.model_validate({"program": "server", **kw})


def test_processes_pass_within_counts() -> None:
    args = procs_step(zombies={"max": 0}, children={"min": 1, "max": 3})
    check = stream.processes(8, args, True, 0, 2, 1)
    assert check.passed
    assert check.description == ("server has no zombie children, "
                                 "between 1 and 3 live children")


def test_processes_zombies_over_max_say_never_reaped() -> None:
    check = stream.processes(8, procs_step(zombies={"max": 0}), True, 2, 0, 1)
    assert_failed(check, "no zombie children", "2 zombie children",
                  "never reaped with wait()/waitpid()")


def test_processes_too_few_zombies_do_not_say_never_reaped() -> None:
    # a program meant to show a zombie (zombie.c) that reaped its child: not "never reaped"
    check = stream.processes(8, procs_step(zombies={"min": 1}), True, 0, 0, 1)
    assert_failed(check, "at least 1 zombie children", "0 zombie children")
    assert "reaped" not in check.actual


def test_processes_other_count_failure_has_no_reap_hint() -> None:
    check = stream.processes(8, procs_step(threads={"min": 4, "max": 4}), True, 0, 0, 1)
    assert_failed(check, "4 threads", "1 threads")
    assert "reaped" not in check.actual


def test_processes_of_an_ended_program_count_as_none() -> None:
    # "no zombies" holds for a program that has ended, whenever it ended (deterministic)
    assert stream.processes(8, procs_step(zombies={"max": 0}), False, 0, 0, 0).passed
    assert_failed(stream.processes(8, procs_step(children={"min": 1}), False, 0, 0, 0),
                  "not running any more")


def test_an_unbounded_count_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="give min, max or both"):
        procs_step(zombies={})


def test_sockets_present() -> None:
    args = steps.ExpectSockets(state="LISTEN")
    assert stream.sockets(6, args, 9190, "LISTEN", True, ["ESTABLISHED", "LISTEN"]).passed
    assert_failed(stream.sockets(6, args, 9190, "LISTEN", True, []),
                  "LISTEN", "no socket at all")


def test_sockets_absent() -> None:
    args = steps.ExpectSockets(state="CLOSE_WAIT", present=False)
    assert stream.sockets(6, args, 9190, "CLOSE_WAIT", False, ["LISTEN"]).passed
    check = stream.sockets(6, args, 9190, "CLOSE_WAIT", False,
                          ["LISTEN", "CLOSE_WAIT", "CLOSE_WAIT"])
    assert_failed(check, "no CLOSE_WAIT", "sockets on port 9190: CLOSE_WAIT, LISTEN")
    assert check.description == "a socket on port 9190 is not in CLOSE_WAIT"


FILE_ARGS = steps.ExpectFile(path="out.txt", size=3)


def test_file_missing() -> None:
    assert_failed(stream.file(2, FILE_ARGS, "out.txt", None, b"abc", None),
                  "the file exists", "there is no such file")


def test_file_contents() -> None:
    assert stream.file(2, FILE_ARGS, "out.txt", b"abc", b"abc", None).passed
    check = stream.file(2, FILE_ARGS, "out.txt", b"abd", b"abc", None)
    assert_failed(check, "from byte 2")
    assert check.step == "expect_file"


def test_file_size() -> None:
    assert stream.file(2, FILE_ARGS, "out.txt", b"xyz", None, 3).passed
    assert_failed(stream.file(2, FILE_ARGS, "out.txt", b"wxyz", None, 3), "3 bytes", "4 bytes")


def test_file_pattern_is_searched_in_the_text() -> None:
    log = "message 1\n메시지 2\n".encode()
    assert stream.file(2, FILE_ARGS, "log.txt", log, None, None, r"(?m)^메시지 2$").passed
    assert_failed(stream.file(2, FILE_ARGS, "log.txt", log, None, None, "message 3"),
                  "text matching /message 3/", "22 bytes, ending with '")
    assert_failed(stream.file(2, FILE_ARGS, "log.txt", b"", None, None, "message 3"),
                  "the file is empty")


def test_simple() -> None:
    assert stream.simple(1, "connect", "c1 connects", "", None).passed
    check = stream.simple(1, "connect", "c1 connects", "connection refused",
                         steps.Connect(conn="c1", hint="Did you call listen()?"))
    assert_failed(check, "c1 connects", "connection refused")
    assert check.hint == "Did you call listen()?"


# ---- preview -----------------------------------------------------------------------


def test_preview_text() -> None:
    assert stream.preview(b"") == "(nothing)"
    assert stream.preview(b"hi\r\n\tthere") == "'hi\\r\\n\\tthere'"
    assert stream.preview("héllo".encode()) == "'héllo'"


def test_preview_binary_is_hex_with_size() -> None:
    assert stream.preview(b"\x00\x01\xff") == "hex 00 01 ff (3 bytes)"
    assert stream.preview(b"bell\x07") == "hex 62 65 6c 6c 07 (5 bytes)"


def test_preview_c_string_with_its_nul_is_text() -> None:
    # a greeting sent with sizeof() carries its '\0': shown as the words it is (real
    # students' reworded greetings were shown as hex), while mostly-zero data stays hex
    assert stream.preview(b"Hello~ I am Kim ~!\x00") == "'Hello~ I am Kim ~!\\x00'"
    assert stream.preview(b"Hi\x00there\x00") == "'Hi\\x00there\\x00'"
    assert stream.preview(b"F\x00\x00\x00") == "hex 46 00 00 00 (4 bytes)"


def test_preview_truncates_long_text() -> None:
    text = stream.preview(b"a" * 100)
    assert text == "'" + "a" * 60 + "' … (100 bytes)"
    assert stream.preview(b"a" * 60) == "'" + "a" * 60 + "'"
    assert stream.preview(b"abcdef", limit=3) == "'abc' … (6 bytes)"


def test_preview_truncates_long_binary_to_24_bytes() -> None:
    text = stream.preview(b"\x00" * 100)
    assert text == "hex " + " ".join(["00"] * 24) + " … (100 bytes)"


def test_preview_of_a_shortened_copy_reports_the_true_size() -> None:
    assert stream.preview(b"abc", total=5000) == "'abc' … (5000 bytes)"
    assert stream.preview(b"abc", total=50) == "'abc' … (50 bytes)"  # under the limit too
    assert stream.preview(b"abc", total=3) == "'abc'"
    assert stream.preview(b"\x00\x01", total=10) == "hex 00 01 … (10 bytes)"


# ---- datagrams (judge_datagram) -----------------------------------------------------


def _dgram(**kw: Any) -> steps.ExpectDatagram:
    return steps.ExpectDatagram(conn="u", **kw)


def test_a_datagram_equal_to_the_text_passes_and_a_pattern_must_match_it_whole() -> None:
    from harness.judge import datagram as jd

    assert jd.datagram(3, _dgram(text="hi"), "u", b"hi", 3.0, 0).passed
    assert jd.datagram(3, _dgram(hex="00 ff"), "u", b"\x00\xff", 3.0, 0).passed
    assert jd.datagram(3, _dgram(pattern="hi\n?"), "u", b"hi\n", 3.0, 0).passed
    assert_failed(jd.datagram(3, _dgram(pattern="hi"), "u", b"hi there", 3.0, 0),
                  "a different datagram came: 'hi there'")


def test_a_datagram_cut_short_names_the_receive_buffer() -> None:
    from harness.judge import datagram as jd

    check = jd.datagram(3, _dgram(text="x" * 50, hint="BUF_SIZE"), "u", b"x" * 29, 3.0, 0)
    assert_failed(check, "cut short", "first 29 of 50 bytes", "recvfrom()")
    assert check.hint == "BUF_SIZE"


def test_two_messages_in_one_datagram_are_named_as_such() -> None:
    from harness.judge import datagram as jd

    assert_failed(jd.datagram(3, _dgram(text="Hi!"), "u", b"Hi!I'm another", 3.0, 0),
                  "one datagram of 14 bytes", "two messages went out as one datagram")


def test_an_empty_datagram_is_named_as_one_not_as_nothing() -> None:
    from harness.judge import datagram as jd

    check = jd.datagram(3, _dgram(text="hi"), "u", b"", 3.0, 0)
    assert_failed(check, "an empty datagram (0 bytes) came")
    assert "(nothing)" not in check.actual


def test_no_datagram_says_how_many_came_before() -> None:
    from harness.judge import datagram as jd

    assert_failed(jd.datagram(3, _dgram(text="a"), "u", None, 2.0, 0),
                  "no datagram arrived within 2 s")
    check = jd.datagram(3, _dgram(text="a"), "u", None, 2.0, 2)
    assert_failed(check, "after the 2 datagram(s) checked before")


def test_expect_datagram_takes_exactly_one_of_text_hex_pattern() -> None:
    with pytest.raises(ValidationError, match="exactly one of text, hex, pattern"):
        steps.ExpectDatagram(conn="u", text="a", hex="61")
    with pytest.raises(ValidationError, match="exactly one"):
        steps.ExpectDatagram(conn="u")


# ---- epoll watch lists -------------------------------------------------------------

def test_epoll_edge_triggered_counts_connections_not_the_listener() -> None:
    from harness.judge import epoll as je

    et = steps.ExpectEpoll(program="s")
    listener, conn = je.Watch(3, 0x19, 100), je.Watch(5, 0x80000019, 200)
    assert je.epoll(4, et, "s", [listener, conn], {100}).passed  # a level-triggered listener
    check = je.epoll(4, et, "s", [listener, je.Watch(5, 0x19, 200)], {100})
    assert_failed(check, "connection descriptor 5 is registered without EPOLLET",
                  "events 0x19")
    assert check.expected == "edge-triggered (EPOLLET)"


def test_epoll_level_triggered_and_nothing_to_judge() -> None:
    from harness.judge import epoll as je

    lt = steps.ExpectEpoll(program="s", edge_triggered=False, hint="no EPOLLET here")
    assert je.epoll(4, lt, "s", [je.Watch(5, 0x19, 200)], set()).passed
    check = je.epoll(4, lt, "s", [je.Watch(5, 0x80000019, 200), je.Watch(6, 1, 300)], set())
    assert_failed(check, "descriptor 5 is registered with EPOLLET")
    assert check.hint == "no EPOLLET here"
    assert_failed(je.epoll(4, lt, "s", [], set()), "s has no epoll instance")
    assert_failed(je.epoll(4, lt, "s", [je.Watch(3, 0x19, 100)], {100}),
                  "only the listening socket")
    assert not je.epoll_ok(lt, [je.Watch(3, 0x19, 100)], {100})


# ---- System V IPC left behind (judge_ipc) ----------------------------------------------


def test_ipc_without_counts_means_nothing_of_any_kind() -> None:
    args = steps.ExpectIpc(program="p")
    assert judge_ipc.ipc(1, args, {"shm": 0, "sem": 0, "msg": 0}, True).passed
    for kind, words in (("shm", "shmctl(id, IPC_RMID, NULL)"),
                        ("sem", "semctl(id, 0, IPC_RMID)"), ("msg", "msgctl(id, IPC_RMID")):
        counts = {"shm": 0, "sem": 0, "msg": 0, kind: 2}
        check = judge_ipc.ipc(1, args, counts, True)
        assert_failed(check, ": 2", words)
        assert "not ended" not in check.actual


def test_ipc_bounds_only_those_given_and_a_minimum_names_no_removal() -> None:
    args = steps.ExpectIpc(program="p", shm={"min": 1})
    assert judge_ipc.ipc(1, args, {"shm": 1, "sem": 5, "msg": 5}, True).passed
    check = judge_ipc.ipc(1, args, {"shm": 0, "sem": 0, "msg": 0}, False)
    assert_failed(check, "at least 1 shared memory segments", "shared memory segments: 0",
                  "had not ended after 5 s")
    assert "IPC_RMID" not in check.actual


def test_ipc_not_looked_at_is_skipped_never_failed() -> None:
    check = judge_ipc.ipc(1, steps.ExpectIpc(program="p", sem={"max": 0}), None, True)
    assert check.passed and "root" in check.skipped, check


def test_ipc_step_model_takes_the_program_shorthand_and_counts() -> None:
    assert steps.ExpectIpc(program="p").within == 5.0
    with pytest.raises(ValidationError):
        steps.ExpectIpc(program="p", shm={"min": 2, "max": 1})
    with pytest.raises(ValidationError):
        steps.ExpectIpc(program="p", queues={"max": 0})  # type: ignore[call-arg]
