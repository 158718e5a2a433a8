"""What people asked and how they rated it: the statistics behind ``careerbot report``."""
