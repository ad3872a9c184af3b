#!/usr/bin/env python3
"""Regenerates the lists in scripts/abi-check.cc from native/cuda/cudnn_api.h and cublas_api.h."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
headers = [(root / "native/cuda" / h).read_text() for h in ("cudnn_api.h", "cublas_api.h")]
values = []
for text in headers:
    for line in text.splitlines():
        m = re.match(r"\s+((?:CUDNN|CUBLAS)_[A-Z0-9_]+)\s*=\s*-?\d+,?(.*)$", line)
        # Enumerators marked as newer than cuDNN 9.0 / CUDA 12.x may be missing from older headers.
        if m and not re.search(r"\d\.\d+\+|12\.9|13\.0", m.group(2)):
            values.append(m.group(1))
functions = re.findall(r"\(\*((?:cudnn|cublas)[A-Za-z0-9_]+)\)", "".join(headers))
lists = ["// Enumerators."] + [f"SAME_VALUE({v});" for v in values]
lists += ["", "// Functions."]
lists += [f"SAME_{'CUDNN' if f.startswith('cudnn') else 'CUBLAS'}_FUNCTION({f});" for f in functions]
check = root / "scripts/abi-check.cc"
text = check.read_text()
start, end = text.index("// Enumerators."), text.index("int main()")
check.write_text(text[:start] + "\n".join(lists) + "\n\n" + text[end:])
