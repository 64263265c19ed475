"""The access layer: who may see or change which participant, referral and dossier.

One module, visibility.py, above the domains' models and below their services: every domain
asks it, none answers the question itself (CONTRIBUTING.md, "Visibility";
tests/test_access_layer.py keeps it so).
"""
