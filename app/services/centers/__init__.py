"""Centers and their policies: register and read centers, policy data, procedure catalog, checks, report history."""
