#!/usr/bin/env python3
"""A scanner's sweep over raw UDP: OPTIONS, REGISTER and INVITE to extensions 100..999 in turn,
from one source address, at a fixed rate. Prints what it sent and when the node stopped
answering (the ban), as JSON on the last line.

usage: sip-flood.py SOURCE_IP TARGET_IP TARGET_PORT RATE SECONDS
"""
import json
import socket
import sys
import threading
import time
import uuid

src, host, port, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    float(sys.argv[5])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((src, 0))
sock.settimeout(0.2)
lport = sock.getsockname()[1]
answers = []  # receive times
stop = threading.Event()


def receiver():
    while not stop.is_set():
        try:
            data, _ = sock.recvfrom(65535)
            answers.append(time.monotonic())
        except socket.timeout:
            pass


def request(i):
    method = ("OPTIONS", "REGISTER", "INVITE")[i % 3]
    ext = 100 + (i // 3) % 900
    branch = "z9hG4bK" + uuid.uuid4().hex
    sdp = ""
    if method == "INVITE":
        sdp = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
               "m=audio 40000 RTP/AVP 0 8\r\n" % (src, src))
    return ("%s sip:%d@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=%s\r\n"
            "From: <sip:%d@%s>;tag=%s\r\nTo: <sip:%d@%s>\r\nCall-ID: %s@%s\r\n"
            "CSeq: 1 %s\r\nMax-Forwards: 70\r\nContact: <sip:%d@%s:%d>\r\nUser-Agent: sweep\r\n"
            "%sContent-Length: %d\r\n\r\n%s" % (
                method, ext, host, port, src, lport, branch, ext, host, branch[7:15], ext, host,
                branch, src, method, ext, src, lport,
                "Content-Type: application/sdp\r\n" if sdp else "", len(sdp), sdp)).encode()


# the sweep's datagrams, made before the clock starts: the flooder's own CPU stays small on a
# machine it shares with the node
pool = [request(i) for i in range(2700)]
t = threading.Thread(target=receiver, daemon=True)
t.start()
start = time.monotonic()
sent = 0
while True:
    now = time.monotonic()
    if now - start >= seconds:
        break
    due = int((now - start) * rate) + 1
    while sent < due:
        sock.sendto(pool[sent % len(pool)], (host, port))
        sent += 1
    time.sleep(0.001)
elapsed = time.monotonic() - start
time.sleep(1.0)
stop.set()
t.join()
last = max(answers) - start if answers else None
print(json.dumps({"sent": sent, "seconds": round(elapsed, 2), "rate": round(sent / elapsed),
                  "answers": len(answers),
                  "last_answer_after_s": None if last is None else round(last, 3)}))
