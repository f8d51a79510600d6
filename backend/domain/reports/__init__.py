"""Reports: figures on tickets and calls for the managers\x27 dashboards and exports."""
