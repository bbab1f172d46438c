"""Sign-in with IndieAuth ("log in with your own website"), W3C IndieAuth (indieauth.spec.indieweb.org):
the reader types their site's address, we find its authorization server there and redeem the code
it sends back for a confirmed profile URL, which becomes an allauth social account."""
