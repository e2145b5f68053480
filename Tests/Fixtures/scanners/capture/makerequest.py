"""Sends one request built by sipvicious' own svhelper.makeRequest with its defaults
(Contact sip:123@1.1.1.1, no tag) and an innocent User-Agent, so that only the default
Contact and the branch/Call-ID shape are left to recognise it."""
import socket, sys, random
from sipvicious.libs.svhelper import makeRequest
port = int(sys.argv[1]); lport = int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', lport))
data = makeRequest('OPTIONS', '<sip:2000@127.0.0.1>', '<sip:2000@127.0.0.1>', '127.0.0.1', port,
                   '%s' % random.getrandbits(32), srchost='127.0.0.1', localport=lport,
                   useragent='Linphone/5.0')
s.sendto(data.encode(), ('127.0.0.1', port))
