import os

buf1 = bytearray(5)
buf2 = bytearray(100)
n = os.readv(0, [buf1, buf2])
print("Read bytes:", n)
print("First message:", bytes(buf1).rstrip(b"\0").decode())
print("Second message:", bytes(buf2[:max(n - 5, 0)]).decode(), end="")
