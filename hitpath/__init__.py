"""hitpath: can I become a High Intensity Therapist in NHS Talking Therapies, and from when?"""

__version__ = "0.1.0"
