package io.rtc2sip.sip;

import gov.nist.javax.sip.clientauthutils.UserCredentials;

/** Digest credentials for the stack's authentication helper. */
record DigestCredentials(String user, String password, String realm) implements UserCredentials {

  @Override
  public String getUserName() {
    return user;
  }

  @Override
  public String getPassword() {
    return password;
  }

  @Override
  public String getSipDomain() {
    return realm;
  }
}
