"""The southern Kurils / Northern Territories course: data, widgets and grading."""

__version__ = "0.1.0"
