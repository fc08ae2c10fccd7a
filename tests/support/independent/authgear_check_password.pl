#!/usr/bin/perl
# Checks an Authgear _auth_authenticator_password.password_hash with code independent of Breakglass:
# Perl's Digest::SHA for the 64 raw bytes of SHA-512(UTF-8 password) and Crypt::Eksblowfish::Bcrypt,
# which takes raw octets (NUL included; Python's bcrypt refuses them). Reads on stdin (never argv)
# one line: <password as UTF-8 hex> <stored hash>. Prints JSON {"accepted", "digest_has_nul", "cost", "variant"}.
use strict;
use warnings;
use Digest::SHA qw(sha512);
use Crypt::Eksblowfish::Bcrypt qw(bcrypt);

my $line = <STDIN>;
chomp $line;
my ($password_hex, $stored) = split / /, $line, 2;
my $digest = sha512(pack('H*', $password_hex));
my $prefix = '$bcrypt-sha512$';
my ($accepted, $cost, $variant) = ('false', 0, '');
if (index($stored, $prefix) == 0) {
  my $bcrypt = substr($stored, length $prefix);
  if ($bcrypt =~ /^\$(2a)\$(\d\d)\$[.\/A-Za-z0-9]{53}$/) {
    ($variant, $cost) = ($1, $2 + 0);
    $accepted = bcrypt($digest, substr($bcrypt, 0, 29)) eq $bcrypt ? 'true' : 'false';
  }
}
my $nul = index($digest, "\0") >= 0 ? 'true' : 'false';
print "{\"accepted\": $accepted, \"digest_has_nul\": $nul, \"cost\": $cost, \"variant\": \"$variant\"}\n";
