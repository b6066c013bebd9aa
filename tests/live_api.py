"""Reading a running server the way a client does: its terms (for consent) and free units."""
import requests


def live_consent(url: str) -> dict:
    """A consent to the Japanese text of every terms version the server has in force."""
    terms = requests.get(f"{url}/api/v1/terms", timeout=10).json()["terms"]
    return {"terms": [{"doc": t["doc"], "version": t["version"], "sha256": t["sha256"]} for t in terms if t["lang"] == "ja"]}


def bookable_starts(url: str, days: int, each_free_unit: bool = False) -> list[str]:
    """Starts of the bookable slots, in order; with `each_free_unit`, one entry per free room."""
    calendar = requests.get(f"{url}/api/v1/calendar?days={days}", timeout=10).json()["days"]
    return [s["start"] for d in calendar if d.get("bookable") for s in d["slots"]
            for _ in range(s["free"] if each_free_unit else 1)]
