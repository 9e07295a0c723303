"""Reusable widgets: page parts, icons, charts, the level meter, the score card, the persona card."""
