"""Pages for the board, analysts and PCN leads: thin views over selectors, stats and pure figure builders."""
