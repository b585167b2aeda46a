import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';

/** argon2id with the library's defaults (OWASP-level memory hardness). */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** A real hash of a random password, verified against when the email is unknown (equal timing). */
  private decoyHash = '';

  async onModuleInit(): Promise<void> {
    this.decoyHash = await argon2.hash(crypto.randomUUID(), { type: argon2.argon2id });
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** Verifies against `hash`, or spends the same time on the decoy when there is no user. */
  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      const matches = await argon2.verify(hash ?? this.decoyHash, password);
      return hash !== null && matches;
    } catch {
      return false;
    }
  }
}
