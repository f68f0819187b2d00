r"""Reading and writing GENIUS and GeniusWeb negotiation domains and profiles.

The automated negotiating agents competitions (ANAC) publish their domains in two
formats; negotia reads and writes both directly (no dependency on NegMAS, whose
licence is AGPL):

* **GENIUS XML** (Lin et al. 2014, *Computational Intelligence* 30(1): 48-70): a domain
  file ``<negotiation_template><utility_space><objective><issue etype="discrete">``
  listing each issue's ``<item value=...>``, and one profile per party
  (``<utility_space>``) with a ``<weight index= value=>`` per issue, an
  ``evaluation`` per item and an optional ``<reservation value=>``.  A party's utility
  of a package is :math:`\sum_i w_i\, e_i(v_i) / \max_v e_i(v)` -- each issue's
  evaluations are divided by the largest one of that issue (GENIUS's
  ``EvaluatorDiscrete``); weights that do not sum to 1 are divided by their sum.
* **GeniusWeb JSON** (the ``LinearAdditiveUtilitySpace`` profile): ``issueWeights``
  and, per issue, ``DiscreteValueSetUtilities.valueUtilities`` (already on 0-1),
  with the domain (``issuesValues``) embedded, and an optional ``reservationBid``.

Integer and real issues (GeniusWeb: number issues) are read at a stated number of
evenly spaced values (:mod:`negotia.bargaining.genius.numeric`, where the utility of a
value is written out); any other issue type is reported as an error naming the file and
the issue.
"""

from negotia.bargaining.genius.folder import (
    is_genius_file,
    load_model,
    model_from_profiles,
    profiles_from_model,
)
from negotia.bargaining.genius.jsonfiles import (
    domain_json,
    profile_json,
    read_geniusweb_domain,
    read_geniusweb_profile,
    write_geniusweb_domain,
    write_geniusweb_profile,
)
from negotia.bargaining.genius.model import Domain, Profile
from negotia.bargaining.genius.numeric import DEFAULT_POINTS, NumericIssue, points_from_resolution
from negotia.bargaining.genius.xmlfiles import (
    read_genius_domain,
    read_genius_profile,
    write_genius_domain,
    write_genius_profile,
)

__all__ = [
    "DEFAULT_POINTS",
    "Domain",
    "NumericIssue",
    "Profile",
    "domain_json",
    "is_genius_file",
    "load_model",
    "model_from_profiles",
    "points_from_resolution",
    "profile_json",
    "profiles_from_model",
    "read_genius_domain",
    "read_genius_profile",
    "read_geniusweb_domain",
    "read_geniusweb_profile",
    "write_genius_domain",
    "write_genius_profile",
    "write_geniusweb_domain",
    "write_geniusweb_profile",
]
