r"""Negotiation strategies: how much an agent asks for at each moment.

A strategy gives the agent's *target* (aspiration level) in its own utility at each
step; the protocol (:mod:`negotia.bargaining.offers`) turns the target into an offer and
uses it to accept (an agent accepts an offer worth at least its next target: the
``AC_next`` condition of Baarslag, Hindriks & Jonker 2014, "Effective acceptance
conditions in real-time automated negotiation", *Decision Support Systems* 60: 68-77).

All targets run between the agent's best attainable utility :math:`u^{max}` and its
reservation value :math:`r` (never below it).

* **Time-based concession** (Faratin, Sierra & Jennings 1998, *Robotics and
  Autonomous Systems* 24: 159-182, time-dependent tactics): with :math:`t \in [0, 1]` the share of the
  deadline elapsed, :math:`\tau(t) = r + (u^{max} - r)(1 - t^{1/e})`.  ``boulware``
  (:math:`e = 0.2`) holds firm until late, ``linear`` (:math:`e = 1`) concedes evenly,
  ``conceder`` (:math:`e = 5`) gives way early; ``time:e=...`` sets the exponent.
* **Aspiration** (Siegel & Fouraker 1960; Pruitt 1981, *Negotiation Behavior*):
  each step the target moves a fixed share ``rate`` of the remaining distance to the
  reservation value, :math:`\tau_{s+1} = r + (1-\text{rate})(\tau_s - r)`.
* **Tit-for-tat** (relative tit-for-tat, Faratin et al. 1998 behaviour-dependent tactics; Baarslag,
  Hindriks & Jonker 2013, "A tit for tat negotiation strategy for real-time bilateral
  negotiations", in *Complex Automated Negotiations*, Springer, 229-233): the agent
  concedes, in its own utility, as much as the others' offers have improved for it
  since their first offer, plus a small time-based concession (``nice``, a share of the
  range by the deadline) so that two tit-for-tat agents do not deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass

from negotia.errors import ParameterError

STRATEGIES = ("boulware", "linear", "conceder", "time", "aspiration", "tit-for-tat")


@dataclass(frozen=True)
class Strategy:
    """A concession strategy.

    Attributes
    ----------
    kind
        ``time``, ``aspiration`` or ``tit-for-tat``.
    name
        As given (``boulware``, ``time:e=0.5``, ...).
    exponent
        Concession exponent :math:`e` of the time-based strategy.
    rate
        Share of the remaining distance conceded per step (aspiration).
    nice
        Extra time-based concession of tit-for-tat, as a share of the range.
    """

    kind: str
    name: str
    exponent: float = 1.0
    rate: float = 0.05
    nice: float = 0.1

    def target(
        self,
        t: float,
        step: int,
        best: float,
        reservation: float,
        received_first: float | None = None,
        received_best: float | None = None,
    ) -> float:
        """The target utility at time ``t`` (share of the deadline) and step ``step`` of this agent.

        Parameters
        ----------
        t
            Share of the deadline elapsed, in [0, 1].
        step
            Number of offers this agent has made so far.
        best, reservation
            The agent's best attainable utility and reservation value.
        received_first, received_best
            Tit-for-tat only: the agent's utility of the first offer it received from
            the others and of the best one so far.
        """
        span = max(best - reservation, 0.0)
        t = min(max(t, 0.0), 1.0)
        if self.kind == "time":
            return reservation + span * (1.0 - t ** (1.0 / self.exponent))
        if self.kind == "aspiration":
            return reservation + span * (1.0 - self.rate) ** step
        # tit-for-tat
        given = 0.0
        if received_first is not None and received_best is not None:
            given = max(received_best - received_first, 0.0)
        return max(reservation, best - given - self.nice * span * t)


def parse_strategy(spec: str) -> Strategy:
    """``"boulware"``, ``"linear"``, ``"conceder"``, ``"time:e=0.5"``, ``"aspiration:rate=0.1"``,
    ``"tit-for-tat"`` (or ``"tft:nice=0.2"``) -> :class:`Strategy`."""
    name, _, rest = spec.strip().partition(":")
    name = name.strip().lower()
    opts: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in rest.split(";" if ";" in rest else ","))):
        key, eq, value = part.partition("=")
        if not eq:
            raise ParameterError(f"strategy {spec!r}: expected key=value, got {part!r}")
        try:
            opts[key.strip()] = float(value)
        except ValueError:
            raise ParameterError(
                f"strategy {spec!r}: {key.strip()} must be a number, got {value!r}"
            ) from None
    presets = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
    if name in presets or name == "time":
        e = opts.pop("e", opts.pop("exponent", presets.get(name, 1.0)))
        _no_more(spec, opts)
        if e <= 0:
            raise ParameterError(f"strategy {spec!r}: the exponent e must be > 0")
        return Strategy("time", spec.strip(), exponent=e)
    if name == "aspiration":
        rate = opts.pop("rate", 0.05)
        _no_more(spec, opts)
        if not 0 < rate < 1:
            raise ParameterError(f"strategy {spec!r}: rate must lie in (0, 1)")
        return Strategy("aspiration", spec.strip(), rate=rate)
    if name in ("tit-for-tat", "tft", "titfortat"):
        nice = opts.pop("nice", 0.1)
        _no_more(spec, opts)
        if not 0 <= nice <= 1:
            raise ParameterError(f"strategy {spec!r}: nice must lie in [0, 1]")
        return Strategy("tit-for-tat", spec.strip(), nice=nice)
    raise ParameterError(f"unknown strategy {spec!r}; strategies: {', '.join(STRATEGIES)}")


def _no_more(spec: str, opts: dict[str, float]) -> None:
    if opts:
        raise ParameterError(f"strategy {spec!r}: unknown option(s) {', '.join(sorted(opts))}")
