# writev: 두 버퍼의 앞부분을 한 번의 호출로 콘솔(fd 1)에 쓰기
import os

buf1 = b"ABCDEFG"
buf2 = b"1234567"
n = os.writev(1, [buf1[:3], buf2[:4]])
print()
print("쓴 바이트 수:", n)
