"""CareerBot: Data Scientist vs ML Engineer career answers, cited."""
