"""Privacy: fake personal data, differential privacy, copy filters, the distance space."""
