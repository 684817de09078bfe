/* Adversarial build: puts a hidden spec and a harness file into gcc's error message. */
#include "@ROOT@/specs/echo_server.yaml"
#include "@ROOT@/harness/plugin.py"
#include "@SPEC@"

int main(void) { return 0; }
