# readv.py -- scatter one read into two buffers with readv() (textbook ch. 13)
# usage: python3 readv.py   (type one line)

buf1 = bytearray(5)
buf2 = bytearray(100)
# TODO: read the console line with ONE call: n = os.readv(0, [buf1, buf2]); print n,
#   then the first buffer and the rest in the second.
# TODO: os.readv(0, [buf1, buf2]) 한 번으로 읽고, 바이트 수와 두 버퍼를 출력하세요.
