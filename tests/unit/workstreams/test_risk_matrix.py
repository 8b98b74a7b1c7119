"""The NHS 5x5 matrix: bands as in the NPSA risk matrix, and the heat map's counts and orientation."""

import pytest

from workstreams.risk_matrix import band, heat_map


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1, "low"),
        (3, "low"),
        (4, "moderate"),
        (6, "moderate"),
        (8, "high"),
        (12, "high"),
        (15, "extreme"),
        (25, "extreme"),
    ],
)
def test_bands_follow_the_npsa_matrix(score, expected):
    assert band(score) == expected


@pytest.mark.parametrize("score", [0, 26, -1])
def test_band_refuses_scores_outside_the_matrix(score):
    with pytest.raises(ValueError, match="between 1 and 25"):
        band(score)


def test_heat_map_counts_each_risk_in_its_cell_with_impact_5_on_top():
    grid = heat_map([("R-001", 4, 5), ("R-002", 4, 5), ("R-003", 1, 1), ("R-004", 5, 2)])
    assert grid.total == 4
    top, bottom = grid.rows[0], grid.rows[-1]
    assert [c.impact for c in top] == [5] * 5 and [c.likelihood for c in top] == [1, 2, 3, 4, 5]
    assert top[3].count == 2 and top[3].references == ("R-001", "R-002") and top[3].band == "extreme"
    assert bottom[0].count == 1 and bottom[0].score == 1 and bottom[0].band == "low"
    assert grid.rows[3][4].count == 1 and grid.rows[3][4].score == 10  # likelihood 5, impact 2
    assert sum(c.count for row in grid.rows for c in row) == 4


def test_heat_map_refuses_a_score_off_the_matrix():
    with pytest.raises(ValueError, match="R-009"):
        heat_map([("R-009", 6, 1)])
