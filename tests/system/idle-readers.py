"""Opens N HTTP GETs that never read their response, with a tiny receive buffer so the kernel
cannot soak up what the server sends (Node cannot set SO_RCVBUF). After `hold` seconds it drains
each socket (until the server closes it or `quiet` seconds pass) and prints one JSON line:
[{"bytes": n, "closed": bool}, ...]. Used by the fault suite's subscriber flood."""
import json, socket, sys, time

host, port, path, count, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
headers = json.loads(sys.argv[6])
quiet = 3.0
socks = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((host, port))
    lines = "".join(f"{k}: {v}\r\n" for k, v in {"host": f"{host}:{port}", "accept": "text/event-stream", **headers}.items())
    s.sendall(f"GET {path} HTTP/1.1\r\n{lines}\r\n".encode())
    socks.append(s)
print("opened", flush=True)
time.sleep(hold)
out = []
for s in socks:
    s.settimeout(quiet)
    total, closed = 0, False
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                closed = True
                break
            total += len(chunk)
    except socket.timeout:
        pass
    except OSError:
        closed = True
    s.close()
    out.append({"bytes": total, "closed": closed})
print(json.dumps(out), flush=True)
