"""The ``breakable`` filter: a file name may wrap after "/", "_" and "." and is still escaped."""

from harrow_bbp.templatetags.file_names import breakable


def test_a_file_name_may_wrap_after_its_separators_only():
    assert breakable("demo/JSNA_LIFE_EXPECTANCY.csv") == "demo/<wbr>JSNA_<wbr>LIFE_<wbr>EXPECTANCY.<wbr>csv"
    assert breakable("plain name.") == "plain name."  # nothing to wrap after a final separator


def test_a_file_name_is_escaped_before_the_breaks_are_added():
    assert breakable("<b>x_y</b>.csv") == "&lt;b&gt;x_<wbr>y&lt;/<wbr>b&gt;.<wbr>csv"
