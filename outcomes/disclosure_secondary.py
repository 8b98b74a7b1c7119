"""Complementary (secondary) suppression: hiding enough other cells that no difference reveals a suppressed one.

Pure numpy (no Django). Where parts and their total are both shown (the categories of a breakdown and the
area's total, the practices of a PCN, the PCNs of the borough, the months of a year), a single suppressed part
is the total minus the others. The rule (ONS, "Statistical disclosure control methods for tables"; NHS Digital,
HES/ECDS disclosure control, 2018, on secondary suppression) and this module's reading of it:

1. **No lone suppression.** In every group (a total and its parts) either no member is suppressed or at least
   two are. When exactly one is, the smallest non-zero part still shown is suppressed too (the least
   information lost); a group with no such part gives up its total, if the total is under control, and only
   then a zero part.
2. **No narrow interval.** Rounded counts are not exact, so differences give intervals, not values. An attacker
   who knows the rule knows a shown 0 is 0, a shown r > 0 is between r - 2 and r + 2 (and at least 8), a ``*``
   is at least 1 (and, for the cells the small-number rule hid, at most 7: the audit grants the attacker a right
   guess of which those are), and an exact count is itself. `attacker_bounds` propagates these through every group (each
   total is the sum of its parts) until nothing narrows further. A suppressed cell whose feasible range is
   narrower than ``min_width`` (2: fewer than three possible whole counts) is exposed, and a shown cell of one
   of its groups is suppressed too.

3. **No lucky guess.** The simplest attacker takes every ``*`` to be from 1 to 7 and differences one group at a
   time; where that lands a suppressed cell on a narrow range holding its true count (`naive_exposures`), the
   group gives up another cell.

Rounded counts are protected as well as suppressed ones: a rounded count that either attacker narrows to
fewer than three values is suppressed itself (and its groups then follow rule 1).

The steps repeat until nothing changes, across every group at once, so linked dimensions (a practice-month is in
its practice's breakdown, its PCN's practices and its year's months) settle together.

Groups are only those whose relation really holds (the caller checks the exact sums): an attacker cannot use a
sum that is not true, and a false one would only make this module suppress more.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["attacker_bounds", "complementary_suppression", "naive_exposures"]

Group = np.ndarray  # cell positions: the total first, then its parts


def _shown_bounds(
    exact: np.ndarray, shown: np.ndarray, suppressed: np.ndarray, rounded: np.ndarray, *, half: float, hi_small: int
) -> tuple[np.ndarray, np.ndarray]:
    """What the attacker knows of each cell before differencing."""
    lo = np.zeros(len(exact))
    hi = np.full(len(exact), np.inf)
    known = ~suppressed & ~np.isnan(shown)
    exact_known = known & ~rounded
    lo[exact_known] = hi[exact_known] = shown[exact_known]
    round_known = known & rounded
    zero = round_known & (shown == 0)
    lo[zero] = hi[zero] = 0.0
    positive = round_known & (shown > 0)
    lo[positive] = np.maximum(shown[positive] - half, hi_small + 1)
    hi[positive] = shown[positive] + half
    lo[suppressed] = 1.0
    return lo, hi


def _known_small(hi: np.ndarray, small: np.ndarray | None, hi_small: int) -> None:
    """An attacker who knows the rule may guess that a ``*`` is from 1 to ``hi_small``; for the cells where that
    guess is right (the primary ones) it is knowledge, so the audit grants it."""
    if small is not None:
        hi[np.asarray(small, bool)] = np.minimum(hi[np.asarray(small, bool)], hi_small)


def _components(matrix: np.ndarray, cells: int) -> np.ndarray:
    """The connected component of every cell (cells linked by sharing a group; the pad, ``cells``, links none).

    Bounds only travel through groups, so a component whose cells did not change keeps its bounds."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    totals = np.repeat(matrix[:, 0], matrix.shape[1] - 1)
    parts = matrix[:, 1:].ravel()
    real = parts != cells
    graph = coo_matrix((np.ones(int(real.sum()), dtype=np.int8), (totals[real], parts[real])), shape=(cells, cells))
    return connected_components(graph, directed=False)[1]


def _padded(groups: Sequence[Group], pad: int) -> np.ndarray:
    """Groups as one matrix (total first), padded with ``pad``, a cell that is exactly zero."""
    lengths = np.fromiter((len(g) for g in groups), dtype=int, count=len(groups))
    matrix = np.full((len(groups), int(lengths.max())), pad, dtype=int)
    starts = np.cumsum(lengths) - lengths
    columns = np.arange(int(lengths.sum())) - np.repeat(starts, lengths)
    matrix[np.repeat(np.arange(len(groups)), lengths), columns] = np.concatenate(groups)
    return matrix


def _scatter(cells: np.ndarray):
    """A reducer over ``cells`` (a flat array of cell positions): fn(values, ufunc) gives (unique cells, each
    cell's values reduced by ufunc), much faster than ``ufunc.at`` when called many times."""
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    starts = np.flatnonzero(np.r_[True, sorted_cells[1:] != sorted_cells[:-1]])
    unique = sorted_cells[starts]

    def reduce(values: np.ndarray, ufunc) -> tuple[np.ndarray, np.ndarray]:
        return unique, ufunc.reduceat(values.ravel()[order], starts)

    return reduce


def _propagate(lo: np.ndarray, hi: np.ndarray, matrix: np.ndarray, max_passes: int, tolerance: float = 1e-6) -> None:
    """Narrow ``lo``/``hi`` in place through every group's sum until nothing changes (the last cell is the pad)."""
    totals, parts = matrix[:, 0], matrix[:, 1:]
    total_reduce, part_reduce = _scatter(totals), _scatter(parts.ravel())
    for _ in range(max_passes):
        before_lo, before_hi = lo.copy(), hi.copy()
        p_lo, p_hi = lo[parts], hi[parts]
        infinite = np.isinf(p_hi)
        n_inf = infinite.sum(axis=1)
        sum_lo = p_lo.sum(axis=1)
        sum_hi = np.where(infinite, 0.0, p_hi).sum(axis=1)
        # The total lies within the sum of its parts' bounds.
        cells, best = total_reduce(sum_lo, np.maximum)
        lo[cells] = np.maximum(lo[cells], best)
        cells, best = total_reduce(np.where(n_inf > 0, np.inf, sum_hi), np.minimum)
        hi[cells] = np.minimum(hi[cells], best)
        t_lo, t_hi = lo[totals][:, None], hi[totals][:, None]
        # Each part is the total minus the others.
        others_lo = sum_lo[:, None] - p_lo
        others_hi = np.where(
            (n_inf == 0)[:, None],
            sum_hi[:, None] - np.where(infinite, 0.0, p_hi),
            np.where((n_inf == 1)[:, None] & infinite, sum_hi[:, None], np.inf),
        )
        with np.errstate(invalid="ignore"):
            cells, best = part_reduce(t_lo - others_hi, np.maximum)
            lo[cells] = np.maximum(lo[cells], best)
            cells, best = part_reduce(t_hi - others_lo, np.minimum)
            hi[cells] = np.minimum(hi[cells], best)
        lo[-1] = hi[-1] = 0.0
        with np.errstate(invalid="ignore"):
            moved = np.nanmax(np.abs(np.r_[lo - before_lo, np.where(np.isinf(hi), 0.0, hi - before_hi)]))
        if not moved > tolerance:
            break


def attacker_bounds(
    shown: np.ndarray,
    suppressed: np.ndarray,
    rounded: np.ndarray,
    groups: Sequence[Group],
    *,
    half: float = 2.0,
    hi_small: int = 7,
    small: np.ndarray | None = None,
    max_passes: int = 60,
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bound of every cell an attacker can reach by differencing the groups' sums.

    ``shown``: the published count (NaN where missing or suppressed); ``suppressed``: shown as ``*``; ``rounded``:
    the count was rounded (to the nearest 5: a positive shown r means r - ``half`` to r + ``half``, at least
    ``hi_small`` + 1); otherwise a shown count is exact. ``small``: suppressed cells known to be at most
    ``hi_small`` (the primary ones: the strongest attacker guesses right which they are). Each group is
    (total, part, part, ...).
    """
    shown = np.asarray(shown, dtype=float)
    lo, hi = _shown_bounds(
        shown, shown, np.asarray(suppressed, bool), np.asarray(rounded, bool), half=half, hi_small=hi_small
    )
    _known_small(hi, small, hi_small)
    groups = [np.asarray(g, dtype=int) for g in groups if len(g) >= 2]
    if not groups:
        return lo, hi
    lo, hi = np.append(lo, 0.0), np.append(hi, 0.0)
    _propagate(lo, hi, _padded(groups, len(shown)), max_passes)
    return lo[:-1], hi[:-1]


def naive_exposures(
    exact: np.ndarray,
    shown: np.ndarray,
    suppressed: np.ndarray,
    rounded: np.ndarray,
    groups: Sequence[Group],
    *,
    half: float = 2.0,
    hi_small: int = 7,
    min_width: float = 2.0,
) -> list[tuple[int, int]]:
    """(group, cell) where one difference, taking every ``*`` to be from 1 to ``hi_small`` and a shown r to be
    r - ``half`` to r + ``half``, narrows a suppressed or rounded cell to a range narrower than ``min_width``
    that holds its true count.

    The simplest attacker assumes every ``*`` is small. Where that is wrong (a complementary cell) the
    conclusion is wrong too and harmless, but it can still land on the truth for a small cell; this catches
    those groups, one at a time, as that attacker works.
    """
    shown = np.asarray(shown, dtype=float)
    suppressed = np.asarray(suppressed, bool)
    groups = [np.asarray(g, dtype=int) for g in groups]
    if not groups or not suppressed.any():
        return []
    # This attacker's priors are the plainest reading of the rule: a shown r is r - half to r + half, a * 1 to 7.
    lo, hi = _shown_bounds(shown, shown, suppressed, np.asarray(rounded, bool), half=half, hi_small=0)
    hi[suppressed] = np.minimum(hi[suppressed], hi_small)
    # One matrix of groups, padded with a cell that is exactly zero and not suppressed.
    matrix = _padded(groups, len(shown))
    lo, hi = np.append(lo, 0.0)[matrix], np.append(hi, 0.0)[matrix]
    hidden = np.append(suppressed, False)[matrix]
    # Protected: the suppressed cells, and the rounded ones (the count behind a rounded count is not shown either).
    protected = np.append(suppressed | (np.asarray(rounded, bool) & (np.nan_to_num(shown) > 0)), False)[matrix]
    true = np.append(np.asarray(exact, dtype=float), 0.0)[matrix]
    t_lo, t_hi, p_lo, p_hi = lo[:, :1], hi[:, :1], lo[:, 1:], hi[:, 1:]
    sum_lo, sum_hi = p_lo.sum(axis=1, keepdims=True), p_hi.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        new_lo = np.hstack([np.maximum(t_lo, sum_lo), np.maximum(p_lo, t_lo - (sum_hi - p_hi))])
        new_hi = np.hstack([np.minimum(t_hi, sum_hi), np.minimum(p_hi, t_hi - (sum_lo - p_lo))])
    refuted = np.any(new_lo > new_hi + 1e-9, axis=1)  # the assumption fails here: the attacker learns nothing
    hit = protected & (new_hi - new_lo < min_width) & (true >= new_lo - 1e-9) & (true <= new_hi + 1e-9)
    hit &= (~refuted & hidden.any(axis=1))[:, None]
    rows, columns = np.nonzero(hit)
    return [(int(g), int(matrix[g, c])) for g, c in zip(rows, columns, strict=True)]


def complementary_suppression(
    exact: np.ndarray,
    shown: np.ndarray,
    primary: np.ndarray,
    controllable: np.ndarray,
    rounded: np.ndarray,
    groups: Sequence[Group],
    *,
    half: float = 2.0,
    naive_half: float = 2.5,
    hi_small: int = 7,
    min_width: float = 2.0,
    primary_known: bool = True,
    max_rounds: int = 200,
) -> np.ndarray:
    """Cells to show as ``*``: the primary ones plus enough others that no group's difference reveals one.

    ``exact``: the true counts (they choose the least-information cell: the smallest non-zero); ``shown``: the
    published counts before secondary suppression; ``primary``: suppressed by the small-number rule;
    ``controllable``: may be suppressed (cells above the controlled levels, e.g. the borough, stay shown);
    ``rounded``: see `attacker_bounds`. ``min_width``: a suppressed cell's feasible range must be at least this
    wide (2 by default: at least three possible whole counts, so none is ever pinned to one value).
    Returns a boolean array (primary | secondary).

    Among the cells a group could give up, the one chosen makes the fewest other groups newly break the rule
    (a group with no suppression that would then have exactly one), then the smallest non-zero count: this keeps
    the suppression from cascading through linked groups more than it must.
    """
    exact = np.asarray(exact, dtype=float)
    shown = np.asarray(shown, dtype=float)
    primary_mask = np.asarray(primary, dtype=bool)
    suppressed = primary_mask.copy()
    controllable = np.asarray(controllable, dtype=bool)
    rounded = np.asarray(rounded, dtype=bool)
    groups = [np.asarray(g, dtype=int) for g in groups if len(g) >= 2]
    if not suppressed.any() or not groups:
        return suppressed
    matrix = _padded(groups, len(exact))
    member_of: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        for cell in group:
            member_of.setdefault(int(cell), []).append(index)
    missing = np.isnan(shown)

    per_group = np.append(suppressed, False)[matrix].sum(axis=1)  # suppressed cells in each group
    stuck = np.zeros(len(groups), dtype=bool)  # groups with no cell left that they could give up

    def cost(cell: int) -> tuple:
        clean = sum(1 for g in member_of.get(cell, []) if per_group[g] == 0)
        return (clean, exact[cell] <= 0, exact[cell])

    def candidates(group: Group) -> list[int]:
        """Cells of the group that may be suppressed next: shown parts, else the total if under control."""
        parts = group[1:]
        free = parts[~suppressed[parts] & controllable[parts] & ~missing[parts]]
        total = int(group[0])
        total_free = not suppressed[total] and controllable[total] and not missing[total]
        if total_free and (not free.size or not (exact[free] > 0).any()):
            return [total]
        return [int(c) for c in free]

    def give_up(group_indices) -> bool:
        open_groups = [g for g in group_indices if not stuck[g]]
        options = {c for g in open_groups for c in candidates(groups[g])}
        if not options:  # nothing left to give up, and suppression only grows: none of them ever will have
            stuck[open_groups] = True
            return False
        best = min(options, key=cost)
        suppressed[best] = True
        per_group[member_of.get(best, [])] += 1
        return True

    # Bounds are propagated again only in the components where a cell's suppression changed since the last
    # propagation: elsewhere they would come out the same (each component's bounds depend on its cells alone).
    cell_component = _components(matrix, len(exact))
    group_component = cell_component[matrix[:, 0]]
    in_a_group = np.zeros(len(exact) + 1, dtype=bool)
    in_a_group[matrix] = True
    in_a_group = in_a_group[:-1]
    lo = hi = bounds_at = None
    for _ in range(max_rounds):
        # 1. No lone suppression in any group (cheap; repeated until none is left).
        while True:
            added = False
            for g in np.flatnonzero((per_group == 1) & ~stuck):
                if per_group[g] == 1 and give_up([g]):
                    added = True
            if not added:
                break
        # 2. No suppressed cell pinned to a narrow range by the groups' sums.
        touched = None
        if bounds_at is not None:
            touched = np.isin(group_component, cell_component[np.flatnonzero(suppressed != bounds_at)])
        new_lo, new_hi = attacker_bounds(
            np.where(suppressed, np.nan, shown),
            suppressed,
            rounded,
            groups if touched is None else [groups[g] for g in np.flatnonzero(touched)],
            half=half,
            hi_small=hi_small,
            small=primary_mask if primary_known else None,
        )
        if touched is not None:
            fresh = np.zeros(len(exact) + 1, dtype=bool)
            fresh[matrix[touched]] = True
            stale = in_a_group & ~fresh[:-1]
            new_lo[stale], new_hi[stale] = lo[stale], hi[stale]
        lo, hi, bounds_at = new_lo, new_hi, suppressed.copy()
        exposed = np.flatnonzero(suppressed & (hi - lo < min_width))
        added = False
        for cell in exposed:
            added |= give_up(member_of.get(int(cell), []))
        # ... nor a rounded count pinned by them: it is suppressed itself (its groups then follow rule 1).
        narrowed = ~suppressed & controllable & rounded & (np.nan_to_num(shown) > 0) & (hi - lo < min_width)
        for cell in np.flatnonzero(narrowed):
            suppressed[cell] = added = True
            per_group[member_of.get(int(cell), [])] += 1
        # 3. Nor by one difference that takes every * to be small (right or wrong), landing on the truth.
        for g, cell in naive_exposures(
            exact,
            np.where(suppressed, np.nan, shown),
            suppressed,
            rounded,
            groups,
            half=naive_half,
            hi_small=hi_small,
            min_width=min_width,
        ):
            if suppressed[cell] or not controllable[cell]:
                added |= give_up([g])
            else:
                suppressed[cell] = added = True
                per_group[member_of.get(cell, [])] += 1
        if not added:
            break
    return suppressed
