"""What a designer wrote, run without trusting it: safe expressions in-process, scripts in confined runners.

``expressions`` evaluates conditions and other expressions over plain JSON data; ``checker`` refuses
scripts at deploy; ``pool`` runs scripts in ``runner`` processes confined by ``confine``.
"""
