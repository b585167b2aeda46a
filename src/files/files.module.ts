import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { DatabaseModule } from '../database/database.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { PendingUploadsSweeper } from './cleanup/pending-uploads.sweeper.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { MultipartUploadsController } from './multipart/multipart-uploads.controller.js';
import { MultipartUploadsService } from './multipart/multipart-uploads.service.js';
import { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';
import { UploadSigningController } from './signing/upload-signing.controller.js';
import { UploadSigningService } from './signing/upload-signing.service.js';
import { UploadLifecycle } from './uploads/upload-lifecycle.js';
import { UploadsController } from './uploads/uploads.controller.js';
import { UploadsService } from './uploads/uploads.service.js';
import { UploadVerifier } from './verification/upload-verifier.js';

@Module({
  imports: [DatabaseModule, StorageModule, TypeOrmModule.forFeature([R2File])],
  // Multipart routes come before FilesController so /files/multipart/... never matches /files/:id.
  controllers: [UploadsController, UploadSigningController, MultipartUploadsController, FilesController],
  providers: [
    FilesService,
    UploadsService,
    UploadSigningService,
    MultipartUploadsService,
    UploadLifecycle,
    R2FilesRepository,
    UploadVerifier,
    PendingUploadsSweeper,
  ],
})
export class FilesModule {}
