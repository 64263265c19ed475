"""competenze: competence passport service for the PLEIADI integration programme."""
