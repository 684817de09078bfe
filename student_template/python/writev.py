# writev.py -- gather two buffers into one write to the console with writev() (textbook ch. 13)
# usage: python3 writev.py
buf1 = b"ABCDEFG"
buf2 = b"1234567"
# TODO: write buf1[:3] and buf2[:4] to the console (descriptor 1) with ONE call:
#   n = os.writev(1, [...]); then print() a newline and n ("Write bytes: 7").
# TODO: buf1[:3]과 buf2[:4]를 호출 한 번(os.writev(1, ...))으로 콘솔에 쓰고
#   쓴 바이트 수를 출력하세요.
print()
print("Write bytes:", 0)
