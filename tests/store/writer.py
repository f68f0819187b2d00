"""One writer of the two-process locking test: read a stance, wait until the other
writer has read it too, then write.  Prints ``won`` or ``refused: <message>``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from negotia.errors import StaleEditError
from negotia.store.database import Store


def main(url: str, folder: str, me: str, other: str, position: float) -> int:
    with Store(url) as store:
        read = store.stance("s", "A", "border")
        Path(folder, f"{me}.read").touch()
        deadline = time.monotonic() + 120
        while not Path(folder, f"{other}.read").exists():
            if time.monotonic() > deadline:
                print("the other writer never read the stance")
                return 1
            time.sleep(0.02)
        try:
            store.update_stance("s", "A", "border", read.version, position=position, note=f"by {me}")
        except StaleEditError as e:
            print(f"refused: {e}")
            return 3
    print("won")
    return 0


if __name__ == "__main__":
    url, folder, me, other, position = sys.argv[1:]
    sys.exit(main(url, folder, me, other, float(position)))
