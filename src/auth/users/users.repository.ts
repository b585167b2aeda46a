import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { User } from './user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  /** Inserts a user in one statement; returns null when the email is already registered. */
  async create(email: string, passwordHash: string): Promise<User | null> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({ email, passwordHash })
      .orIgnore()
      .returning(['id', 'email', 'created_at'])
      .execute();
    const row = (result.raw as { id: string; email: string; created_at: Date }[])[0];
    return row ? Object.assign(new User(), { id: row.id, email: row.email, passwordHash, createdAt: row.created_at }) : null;
  }
}
