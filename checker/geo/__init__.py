"""Geographic analysis shared by the vector rules: reference regions, attribution, coverage."""
