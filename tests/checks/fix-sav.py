#!/usr/bin/env python3
"""fix-sav.py IN.sav OUT.sav - IN without its character encoding record
(type 7, subtype 20), as SPSS wrote .sav files before version 16: the code
page is then only the character code of the machine integer record (type 7,
subtype 3).  For tests/checks/export-shapes.sh; PSPP always writes the
encoding record."""
import struct
import sys


def records(b):
    """(start, end, type, subtype) of each dictionary record, up to type 999."""
    pos, out = 176, []
    while True:
        t, = struct.unpack_from("<i", b, pos)
        st = None
        if t == 2:
            has_label, n_missing = struct.unpack_from("<ii", b, pos + 8)
            p = pos + 32
            if has_label:
                n, = struct.unpack_from("<i", b, p)
                p += 4 + (n + 3) // 4 * 4
            p += abs(n_missing) * 8
        elif t == 3:
            n, = struct.unpack_from("<i", b, pos + 4)
            p = pos + 8
            for _ in range(n):
                p += 8 + (b[p + 8] + 1 + 7) // 8 * 8
        elif t == 4:
            n, = struct.unpack_from("<i", b, pos + 4)
            p = pos + 8 + 4 * n
        elif t == 6:
            n, = struct.unpack_from("<i", b, pos + 4)
            p = pos + 8 + 80 * n
        elif t == 7:
            st, size, count = struct.unpack_from("<iii", b, pos + 4)
            p = pos + 16 + size * count
        elif t == 999:
            out.append((pos, pos + 8, t, None))
            return out
        else:
            sys.exit("%s: unknown record type %d at byte %d" % (sys.argv[1], t, pos))
        out.append((pos, p, t, st))
        pos = p


b = open(sys.argv[1], "rb").read()
recs = records(b)
code = [struct.unpack_from("<i", b, s + 16 + 28)[0] for s, e, t, st in recs if t == 7 and st == 3]
if code != [1252] or not any(t == 7 and st == 20 for s, e, t, st in recs):
    sys.exit("%s: expected character code 1252 and an encoding record" % sys.argv[1])
out = b[:176] + b"".join(b[s:e] for s, e, t, st in recs if not (t == 7 and st == 20)) + b[recs[-1][1]:]
open(sys.argv[2], "wb").write(out)
