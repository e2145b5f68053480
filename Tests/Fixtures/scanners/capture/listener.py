"""Records every datagram to OUTDIR and answers just enough for sipvicious tools to go on.
Bounded: exits after --seconds."""
import socket, sys, os, time, random

port = int(sys.argv[1]); outdir = sys.argv[2]; seconds = float(sys.argv[3])
os.makedirs(outdir, exist_ok=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', port))
s.settimeout(0.2)
deadline = time.time() + seconds
n = 0

def headers(text):
    head = text.split('\r\n\r\n', 1)[0].split('\r\n')
    return head[0], head[1:]

def pick(lines, *names):
    out = []
    for l in lines:
        k = l.split(':', 1)[0].strip().lower()
        if k in names:
            out.append(l)
    return out

def respond(code, reason, lines, extra=(), totag=True):
    vias = pick(lines, 'via', 'v')
    frm = pick(lines, 'from', 'f')
    to = pick(lines, 'to', 't')
    cid = pick(lines, 'call-id', 'i')
    cseq = pick(lines, 'cseq')
    to = [t + (';tag=%08x' % random.getrandbits(32) if totag and 'tag=' not in t else '') for t in to]
    r = ['SIP/2.0 %d %s' % (code, reason)] + vias + frm + to + cid + cseq + list(extra) + ['Content-Length: 0', '', '']
    return '\r\n'.join(r).encode()

while time.time() < deadline:
    try:
        data, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    n += 1
    with open(os.path.join(outdir, '%04d-%d.sip' % (n, addr[1])), 'wb') as f:
        f.write(data)
    text = data.decode('utf-8', 'replace')
    first, lines = headers(text)
    if first.startswith('SIP/2.0'):
        continue
    method = first.split(' ', 1)[0]
    if method == 'ACK':
        continue
    auth = pick(lines, 'authorization', 'proxy-authorization')
    to = ' '.join(pick(lines, 'to', 't'))
    if method == 'OPTIONS':
        reply = respond(200, 'OK', lines, ['Server: TestListener'])
    elif method == 'REGISTER':
        if auth:
            reply = respond(403, 'Forbidden', lines)
        elif 'sip:1001@' in to or 'sip:1000@' in to and 'svcrack' in outdir:
            reply = respond(401, 'Unauthorized', lines, ['WWW-Authenticate: Digest realm="test", nonce="%016x", algorithm=MD5' % random.getrandbits(64)])
        else:
            reply = respond(404, 'Not Found', lines)
    elif method == 'INVITE':
        if 'sip:1001@' in to:
            s.sendto(respond(100, 'Trying', lines, totag=False), addr)
            reply = respond(486, 'Busy Here', lines)
        else:
            reply = respond(404, 'Not Found', lines)
    else:
        reply = respond(200, 'OK', lines)
    s.sendto(reply, addr)
print('captured', n)
